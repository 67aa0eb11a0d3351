/**
 * The queue of claimable steps: claim under a lease, renew, release, the next due time, event
 * waiters. A step is claimable when it is `ready`, `retrying` or `waiting` with `due_at <= now`.
 *
 * In: owner, times, tokens. Out: ClaimedStep / StepRecord rows, tokens no longer held.
 * Writes that need a consistent read first (claim, release) run inside one IMMEDIATE unit, after a
 * lock-free check so that idle polling never takes the write lock.
 */
import { randomUUID } from 'node:crypto';
import type { ClaimedStep, StepRecord, StepStatus } from '@atom/engine';
import { claimOrderSql, NEXT_ADMISSIBLE_DUE } from '../shared/queue-order.js';
import { type ClaimOptions, hasDueQuery, lostTokens, type ReleaseOptions } from '../shared/queue-queries.js';
import type { SqlExecutor } from '../shared/sql-executor.js';
import { STEP_COLUMNS } from '../shared/step-columns.js';
import { SQLITE_DIALECT } from './sqlite-dialect.js';
import { type StepRow, toStepRecord } from './step-row.js';

// Priority, fair turns between runs, and admission under a workflow's concurrency (queue-order.ts).
// Parameters: now, [run id,] limit (the window's size), owner, limit (the claim's).
const PICK = claimOrderSql({ now: '?', limit: '?', owner: '?', limited: true }, 's.rowid as rid,', 'rid, status');
const PICK_IN_RUN = claimOrderSql(
  { now: '?', runId: '?', limit: '?', owner: '?', limited: true },
  's.rowid as rid,',
  'rid, status',
);
// Parameters: owner, expiresAt, now, now, [[rowid, token], …]. A waiting row resumes (no new attempt).
const CLAIM = `update steps set
  status = 'running',
  attempt = case when status = 'waiting' or resume is not null then attempt else attempt + 1 end,
  resume = case when status = 'waiting' then '{"reason":"timer"}' else resume end,
  lease_owner = ?, lease_token = c.value ->> 1, lease_expires_at = ?, due_at = null,
  started_at = coalesce(started_at, ?), updated_at = ?
  from json_each(?) as c where steps.rowid = c.value ->> 0
  returning ${STEP_COLUMNS}`;

const RENEW = `update steps set lease_expires_at = ?
  where status = 'running' and lease_owner = ? and lease_token in (select value from json_each(?))
  returning lease_token as "leaseToken"`;

const EXPIRED = "status = 'running' and lease_token is not null and lease_expires_at <= ?";
const OWNED = "status = 'running' and lease_token is not null and lease_owner in (select value from json_each(?))";
const RELEASE = `update steps set status = 'ready', due_at = ?, lease_owner = null, lease_token = null,
  lease_expires_at = null, updated_at = ? where rowid in (select value from json_each(?))`;

const NEXT_DUE = `select min(t) as t from (
  ${NEXT_ADMISSIBLE_DUE}
  union all
  select min(lease_expires_at) from steps where status = 'running' and lease_token is not null)`;
const EVENT_WAITERS = `select ${STEP_COLUMNS} from steps where wait_event = ? and status = 'waiting' order by created_at, rowid`;

export const hasDue = hasDueQuery(SQLITE_DIALECT);

/** Must run inside a write unit: picks the due rows, then claims exactly those. */
export async function claimDue(exec: SqlExecutor, options: ClaimOptions): Promise<ClaimedStep[]> {
  const { owner, now, limit, leaseMs, runId } = options;
  if (limit <= 0) return [];
  const picked =
    runId === undefined
      ? await exec.all<{ rid: number; status: StepStatus }>(PICK, [now, limit, owner, limit])
      : await exec.all<{ rid: number; status: StepStatus }>(PICK_IN_RUN, [now, runId, limit, owner, limit]);
  if (picked.length === 0) return [];
  const claims = picked.map(({ rid, status }) => ({ rid, status, token: randomUUID() }));
  const pairs = JSON.stringify(claims.map(({ rid, token }) => [rid, token]));
  const rows = await exec.all<StepRow>(CLAIM, [owner, now + leaseMs, now, now, pairs]);
  const byToken = new Map(rows.map((row) => [row.leaseToken, row]));
  const claimed: ClaimedStep[] = [];
  for (const { token, status } of claims) {
    const row = byToken.get(token);
    if (row === undefined) continue;
    const step = toStepRecord(row) as ClaimedStep;
    step.claimedFrom = status;
    claimed.push(step);
  }
  return claimed;
}

export async function renewLeases(
  exec: SqlExecutor,
  owner: string,
  tokens: readonly string[],
  expiresAt: number,
): Promise<string[]> {
  if (tokens.length === 0) return [];
  const rows = await exec.all<{ leaseToken: string }>(RENEW, [expiresAt, owner, JSON.stringify(tokens)]);
  return lostTokens(tokens, rows);
}

/** The rows `releaseLeases` would release, as they are now, with their rowids. */
export async function findReleasable(
  exec: SqlExecutor,
  { now, owners }: ReleaseOptions,
): Promise<(StepRow & { rid: number })[]> {
  if (owners !== undefined) {
    if (owners.length === 0) return [];
    return exec.all(`select rowid as rid, ${STEP_COLUMNS} from steps where ${OWNED}`, [JSON.stringify(owners)]);
  }
  return exec.all(`select rowid as rid, ${STEP_COLUMNS} from steps where ${EXPIRED}`, [now]);
}

/** Must run inside a write unit. */
export async function releaseLeases(exec: SqlExecutor, options: ReleaseOptions): Promise<StepRecord[]> {
  const rows = await findReleasable(exec, options);
  if (rows.length === 0) return [];
  await exec.run(RELEASE, [options.now, options.now, JSON.stringify(rows.map((row) => row.rid))]);
  // The rowids were only for the UPDATE: the records leave without them.
  return rows.map(({ rid: _, ...row }) => toStepRecord(row));
}

export async function nextDueAt(exec: SqlExecutor): Promise<number | undefined> {
  const [row] = await exec.all<{ t: number | null }>(NEXT_DUE);
  return row?.t ?? undefined;
}

export async function findEventWaiters(exec: SqlExecutor, name: string): Promise<StepRecord[]> {
  const rows = await exec.all<StepRow>(EVENT_WAITERS, [name]);
  return rows.map(toStepRecord);
}
