/**
 * RunStatsReader.runActivity for either adapter: one time window of runs and step durations.
 *
 * In: a SqlDialect and how the adapter reads a field of an event's JSON data, then an
 * ActivityQuery. Out: RunActivity. Five reads, each an index range of the window: runs created
 * (runs_listing), runs ended (runs_finished), and three over the step-end events
 * (run_events_step_ends, migration 0036): all durations ranked, ranked per node type, and counts
 * per node type. Percentiles are by nearest rank, computed with window functions (both
 * databases), so both adapters give the same exact answer; the rank of p is ceil(p × n / 100),
 * written with integer division: (p × n + 99) / 100.
 */
import type { ActivityBucket, ActivityQuery, NodeTypeActivity, RunActivity } from '../control/run-stats.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

export interface ActivitySyntax {
  /** The event's `data.nodeType` as text. */
  nodeType: string;
  /** The event's `data.durationMs` as a number (null when absent). */
  durationMs: string;
}

type Count = number | string;

const rankOf = (p: number) => `(${p} * n + 99) / 100`;

/** The five reads of one window, of everything or (`scoped`) of the workspace bound last. */
function windowReads(d: SqlDialect, syntax: ActivitySyntax, scoped: boolean) {
  // Placeholders in text order (SQLite binds `?` that way): [from, bucketMs, from, to(, workspace)].
  // SQLite may bind the numbers as REAL, so the bucket number is cast (the offset is never negative: a floor).
  const ofRuns = scoped ? ` and workspace_id = ${d.param(5)}` : '';
  const STARTED = `select cast((created_at - ${d.param(1)}) / ${d.param(2)} as integer) as b, count(*) as n
  from runs where created_at >= ${d.param(3)} and created_at < ${d.param(4)}${ofRuns} group by b`;
  const ENDED = `select cast((finished_at - ${d.param(1)}) / ${d.param(2)} as integer) as b, status, count(*) as n
  from runs where finished_at >= ${d.param(3)} and finished_at < ${d.param(4)}
  and status in ('succeeded', 'failed', 'cancelled')${ofRuns} group by b, status`;
  // The partial index's predicate is repeated word for word, so SQLite knows it may use it.
  const ENDS = `select type, ${syntax.nodeType} as t, ${syntax.durationMs} as d from run_events
  where type in ('step.succeeded', 'step.failed') and at >= ${d.param(1)} and at < ${d.param(2)}${
    scoped ? ` and run_id in (select id from runs where workspace_id = ${d.param(3)})` : ''
  }`;
  const DURATIONS = `with e as (${ENDS}), v as (select d from e where d is not null and t <> 'group'),
  r as (select d, row_number() over (order by d) as rn, count(*) over () as n from v)
  select d, rn, n from r where rn = ${rankOf(50)} or rn = ${rankOf(95)} or rn = n`;
  const TYPE_RANKS = `with e as (${ENDS}), v as (select t, d from e where d is not null and t <> 'group'),
  r as (select t, d, row_number() over (partition by t order by d) as rn, count(*) over (partition by t) as n from v)
  select t, d, rn, n from r where rn = ${rankOf(50)} or rn = ${rankOf(95)} or rn = n`;
  const TYPE_COUNTS = `with e as (${ENDS})
  select t, count(*) as n, sum(case when type = 'step.failed' then 1 else 0 end) as failed, avg(d) as mean
  from e where d is not null and t <> 'group' group by t`;
  return { STARTED, ENDED, DURATIONS, TYPE_RANKS, TYPE_COUNTS };
}

export function activityQueries(d: SqlDialect, syntax: ActivitySyntax) {
  const ALL = windowReads(d, syntax, false);
  const ONE = windowReads(d, syntax, true);
  return {
    async runActivity(exec: SqlExecutor, q: ActivityQuery): Promise<RunActivity> {
      const { STARTED, ENDED, DURATIONS, TYPE_RANKS, TYPE_COUNTS } = q.workspaceId === undefined ? ALL : ONE;
      const ws = q.workspaceId === undefined ? [] : [q.workspaceId];
      const params = [q.from, q.bucketMs, q.from, q.to, ...ws];
      const count = Math.max(0, Math.ceil((q.to - q.from) / q.bucketMs));
      const buckets: ActivityBucket[] = Array.from({ length: count }, (_, i) => ({
        at: q.from + i * q.bucketMs,
        started: 0,
        succeeded: 0,
        failed: 0,
        cancelled: 0,
      }));
      for (const row of await exec.all<{ b: Count; n: Count }>(STARTED, params)) {
        const bucket = buckets[Number(row.b)];
        if (bucket) bucket.started = Number(row.n);
      }
      for (const row of await exec.all<{ b: Count; status: 'succeeded' | 'failed' | 'cancelled'; n: Count }>(
        ENDED,
        params,
      )) {
        const bucket = buckets[Number(row.b)];
        if (bucket) bucket[row.status] = Number(row.n);
      }

      const range = [q.from, q.to, ...ws];
      const steps = {
        count: 0,
        p50Ms: null as number | null,
        p95Ms: null as number | null,
        maxMs: null as number | null,
      };
      for (const row of await exec.all<{ d: Count; rn: Count; n: Count }>(DURATIONS, range)) {
        const [rn, n] = [Number(row.rn), Number(row.n)];
        steps.count = n;
        if (rn === Math.ceil(n / 2)) steps.p50Ms = Number(row.d);
        if (rn === Math.ceil((95 * n) / 100)) steps.p95Ms = Number(row.d);
        if (rn === n) steps.maxMs = Number(row.d);
      }

      const byType = new Map<string, NodeTypeActivity>();
      for (const row of await exec.all<{ t: string; n: Count; failed: Count; mean: Count }>(TYPE_COUNTS, range)) {
        byType.set(row.t, {
          nodeType: row.t,
          count: Number(row.n),
          failed: Number(row.failed),
          meanMs: Number(row.mean),
          p50Ms: null,
          p95Ms: null,
          maxMs: null,
        });
      }
      for (const row of await exec.all<{ t: string; d: Count; rn: Count; n: Count }>(TYPE_RANKS, range)) {
        const entry = byType.get(row.t);
        if (!entry) continue;
        const [rn, n] = [Number(row.rn), Number(row.n)];
        if (rn === Math.ceil(n / 2)) entry.p50Ms = Number(row.d);
        if (rn === Math.ceil((95 * n) / 100)) entry.p95Ms = Number(row.d);
        if (rn === n) entry.maxMs = Number(row.d);
      }
      const nodeTypes = [...byType.values()]
        .sort((a, b) => (b.p95Ms ?? 0) - (a.p95Ms ?? 0) || b.meanMs - a.meanMs || (a.nodeType < b.nodeType ? -1 : 1))
        .slice(0, q.nodeTypes);
      return { buckets, steps, nodeTypes };
    },
  };
}
