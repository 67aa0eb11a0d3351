/**
 * What the two queues have in common: the claimable predicate, the options of claims and releases,
 * the lock-free "is anything due?" read, and which renewed tokens were lost. Claiming and releasing
 * themselves stay in each adapter (SQLite picks then updates inside its write unit; PostgreSQL
 * claims in one statement with `for update skip locked`).
 * In: a SqlDialect. Out: `hasDue`, `lostTokens`.
 */
import type { StepStatus } from '@atom/engine';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

/** The statuses a step may be claimed from once due. */
export const CLAIMABLE_STATUSES: readonly StepStatus[] = ['ready', 'retrying', 'waiting'];

/** Claimable statuses once due; also the literal predicate of the partial indexes on them. */
export const CLAIMABLE = `status in (${CLAIMABLE_STATUSES.map((status) => `'${status}'`).join(', ')})`;

export interface ClaimOptions {
  owner: string;
  now: number;
  limit: number;
  leaseMs: number;
  runId?: string;
}

export interface ReleaseOptions {
  now: number;
  owners?: readonly string[];
}

/** Lock-free: is anything due? (`claimDue` opens no unit when not.) Written once for `d`. */
export function hasDueQuery(d: SqlDialect): (exec: SqlExecutor, now: number, runId?: string) => Promise<boolean> {
  const HAS_DUE = `select 1 from steps where ${CLAIMABLE} and due_at <= ${d.param(1)} limit 1`;
  const HAS_DUE_IN_RUN = `select 1 from steps where ${CLAIMABLE} and due_at <= ${d.param(1)} and run_id = ${d.param(2)} limit 1`;
  return async (exec, now, runId) => {
    const rows = runId === undefined ? await exec.all(HAS_DUE, [now]) : await exec.all(HAS_DUE_IN_RUN, [now, runId]);
    return rows.length > 0;
  };
}

/** The `tokens` whose renewal returned no row: the lease is no longer this owner's. */
export function lostTokens(tokens: readonly string[], renewed: readonly { leaseToken: string }[]): string[] {
  const held = new Set(renewed.map((row) => row.leaseToken));
  return tokens.filter((token) => !held.has(token));
}
