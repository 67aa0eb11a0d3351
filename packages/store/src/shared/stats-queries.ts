/**
 * RunStatsReader for either adapter: runs by status, the queue by state, the oldest due step.
 * Three grouped reads served by the status indexes (steps: the partial claim and lease indexes).
 *
 * In: a SqlDialect, then `now` and optionally a workspace (its runs, and the steps of its runs).
 * Out: RunStats (counts as numbers: PostgreSQL returns bigint text).
 */
import type { RunStats } from '../control/run-stats.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

export function statsQueries(d: SqlDialect) {
  /** The three reads, of everything or (`scoped`) of the workspace bound last. */
  const reads = (scoped: boolean) => {
    const ofRun = (n: number) =>
      scoped ? ` and run_id in (select id from runs where workspace_id = ${d.param(n)})` : '';
    return {
      RUNS: `select status, count(*) as n from runs${scoped ? ` where workspace_id = ${d.param(1)}` : ''} group by status`,
      QUEUE: `select status, count(*) as n from steps
  where status in ('ready', 'retrying', 'waiting', 'running')${ofRun(1)} group by status`,
      OLDEST: `select min(due_at) as "oldest" from steps
  where status in ('ready', 'retrying') and due_at <= ${d.param(1)}${ofRun(2)}`,
    };
  };
  const ALL = reads(false);
  const ONE = reads(true);
  return {
    async runStats(exec: SqlExecutor, now: number, workspaceId?: string): Promise<RunStats> {
      const { RUNS, QUEUE, OLDEST } = workspaceId === undefined ? ALL : ONE;
      const ws = workspaceId === undefined ? [] : [workspaceId];
      const stats: RunStats = { runs: {}, queue: { ready: 0, retrying: 0, waiting: 0, running: 0 }, oldestDueAt: null };
      for (const row of await exec.all<{ status: string; n: number | string }>(RUNS, ws)) {
        stats.runs[row.status as keyof RunStats['runs']] = Number(row.n);
      }
      for (const row of await exec.all<{ status: keyof RunStats['queue']; n: number | string }>(QUEUE, ws)) {
        stats.queue[row.status] = Number(row.n);
      }
      const [oldest] = await exec.all<{ oldest: number | string | null }>(OLDEST, [now, ...ws]);
      stats.oldestDueAt = oldest?.oldest === null || oldest?.oldest === undefined ? null : Number(oldest.oldest);
      return stats;
    },
  };
}
