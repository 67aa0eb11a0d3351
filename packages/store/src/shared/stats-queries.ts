/**
 * RunStatsReader for either adapter: runs by status, the queue by state, the oldest due step.
 * Three grouped reads served by the status indexes (steps: the partial claim and lease indexes).
 *
 * In: a SqlDialect, then `now`. Out: RunStats (counts as numbers: PostgreSQL returns bigint text).
 */
import type { RunStats } from '../control/run-stats.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

export function statsQueries(d: SqlDialect) {
  const RUNS = 'select status, count(*) as n from runs group by status';
  const QUEUE = `select status, count(*) as n from steps
  where status in ('ready', 'retrying', 'waiting', 'running') group by status`;
  const OLDEST = `select min(due_at) as "oldest" from steps
  where status in ('ready', 'retrying') and due_at <= ${d.param(1)}`;
  return {
    async runStats(exec: SqlExecutor, now: number): Promise<RunStats> {
      const stats: RunStats = { runs: {}, queue: { ready: 0, retrying: 0, waiting: 0, running: 0 }, oldestDueAt: null };
      for (const row of await exec.all<{ status: string; n: number | string }>(RUNS)) {
        stats.runs[row.status as keyof RunStats['runs']] = Number(row.n);
      }
      for (const row of await exec.all<{ status: keyof RunStats['queue']; n: number | string }>(QUEUE)) {
        stats.queue[row.status] = Number(row.n);
      }
      const [oldest] = await exec.all<{ oldest: number | string | null }>(OLDEST, [now]);
      stats.oldestDueAt = oldest?.oldest === null || oldest?.oldest === undefined ? null : Number(oldest.oldest);
      return stats;
    },
  };
}
