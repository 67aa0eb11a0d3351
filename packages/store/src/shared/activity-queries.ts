/**
 * RunStatsReader.runActivity for either adapter: one time window of runs and step durations.
 *
 * In: a SqlDialect and how the adapter reads a field of an event's JSON data, then how to read
 * and write (ActivityAccess) and an ActivityQuery. Out: RunActivity.
 *
 * Runs created and ended per bucket are two index ranges of the window (runs_listing, or
 * runs_workspace_listing for a workspace, and runs_finished). Step durations come from the rollup (activity-rollup.ts, ADR 0020): first the
 * rollup catches up with the events written since the last read, then one read takes the rolled-up
 * minutes that lie wholly inside the window together with `rolled_to` (one statement, so one
 * snapshot), and one takes raw what they miss: the window's partial first and last minutes, and
 * events with ids above `rolled_to` (the tail not rolled up yet, or not settled). Counts, failures,
 * means and maxima are exact; p50 / p95 are read from merged duration histograms, nearest rank,
 * within 1/128 of the exact value (exact below 128 ms; duration-histogram.ts).
 */
import { AtomError } from '@atom/errors';
import type {
  ActivityBucket,
  ActivityQuery,
  DurationSummary,
  NodeTypeActivity,
  RunActivity,
} from '../control/run-stats.js';
import {
  type ActivitySyntax,
  activityRollup,
  addDuration,
  addRow,
  emptySummary,
  isTimed,
  MINUTE_MS,
  type MinuteSummary,
} from './activity-rollup.js';
import { mergeInto, percentiles } from './duration-histogram.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

export type { ActivitySyntax } from './activity-rollup.js';

/** How an adapter lets runActivity read (shared connection, autocommit) and write (a unit). */
export interface ActivityAccess {
  read<T>(op: (exec: SqlExecutor) => Promise<T>): Promise<T>;
  unit<T>(op: (exec: SqlExecutor) => Promise<T>): Promise<T>;
  /** How long an observed event id must age before the rollup takes events up to it (see activity-rollup.ts). */
  settleMs: number;
}

type Count = number | string;

/** Longest a read spends rolling up before it reads the rest raw (the first read after an upgrade). */
const CATCH_UP_BUDGET_MS = 2000;
const ENDED_STATUSES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);

/** The reads of one window, of everything or (`scoped`) of the workspace bound last. */
function windowReads(d: SqlDialect, syntax: ActivitySyntax, scoped: boolean) {
  // Placeholders in text order (SQLite binds `?` that way): [from, bucketMs, from, to(, workspace)].
  // SQLite may bind the numbers as REAL, so the bucket number is cast (the offset is never negative: a floor).
  // Runs created: a range of runs_workspace_listing (workspace, created_at). Runs ended: a range of
  // runs_finished (only a final status sets finished_at); without statistics SQLite would rather
  // scan a status or the workspace, so neither is compared as a column (`|| ''` hides it).
  const STARTED = `select cast((created_at - ${d.param(1)}) / ${d.param(2)} as integer) as b, count(*) as n
  from runs where created_at >= ${d.param(3)} and created_at < ${d.param(4)}${
    scoped ? ` and workspace_id = ${d.param(5)}` : ''
  } group by b`;
  const ENDED = `select cast((finished_at - ${d.param(1)}) / ${d.param(2)} as integer) as b, status, count(*) as n
  from runs where finished_at >= ${d.param(3)} and finished_at < ${d.param(4)}${
    scoped ? ` and workspace_id || '' = ${d.param(5)}` : ''
  } group by b, status`;
  // [first whole minute, end of the last whole minute(, workspace)]; the state row is always there.
  const MINUTES = `select s.rolled_to as w, m.node_type as t, m.count as n, m.failed, m.sum_ms as s, m.max_ms as mx,
  m.histogram as h from step_rollup s left join step_minutes m on m.minute >= ${d.param(1)} and m.minute < ${d.param(2)}${
    scoped ? ` and m.workspace_id = ${d.param(3)}` : ''
  } where s.id = 1`;
  // The partial index's predicate is repeated word for word, so SQLite knows it may use it; the
  // tail's `at + 0` keeps both databases on the primary key (a short range of new ids). A cross
  // join keeps SQLite reading the events first, then each one's run (not the workspace's every run).
  const ends = (where: string) => `select run_id, type, ${syntax.nodeType} as t, ${syntax.durationMs} as d
  from run_events where type in ('step.succeeded', 'step.failed') and ${where}`;
  const p = (n: number) => d.param(n);
  // [from, first whole minute, end of the whole minutes, to, rolled_to, first whole minute, end(, workspace)].
  const RAW = `select e.type, e.t, e.d from (${ends(`at >= ${p(1)} and at < ${p(2)}`)}
  union all ${ends(`at >= ${p(3)} and at < ${p(4)}`)}
  union all ${ends(`id > ${p(5)} and at + 0 >= ${p(6)} and at + 0 < ${p(7)}`)}) e${
    scoped ? ` cross join runs r where r.id = e.run_id and r.workspace_id = ${p(8)}` : ''
  }`;
  return { STARTED, ENDED, MINUTES, RAW };
}

/** Nearest-rank figures of a summary (null when it is empty). */
function summarize(s: MinuteSummary): DurationSummary {
  if (s.count === 0) return { count: 0, p50Ms: null, p95Ms: null, maxMs: null };
  const [p50Ms, p95Ms] = percentiles(s.histogram, s.count, s.maxMs, [50, 95]) as [number, number];
  return { count: s.count, p50Ms, p95Ms, maxMs: s.maxMs };
}

export function activityQueries(d: SqlDialect, syntax: ActivitySyntax) {
  const ALL = windowReads(d, syntax, false);
  const ONE = windowReads(d, syntax, true);
  const rollup = activityRollup(d, syntax);

  /**
   * Rolls up what has settled since the last read, a unit per chunk, for at most the budget. A
   * store too busy to take the write lock (another process writing, `atom stats` beside a busy
   * server) only means this read takes more raw: the figures are the same.
   */
  async function catchUp(access: ActivityAccess): Promise<void> {
    const began = Date.now();
    if (!rollup.due(await access.read((e) => rollup.state(e)), began, access.settleMs)) return;
    try {
      while (Date.now() - began < CATCH_UP_BUDGET_MS) {
        if (!(await access.unit((e) => rollup.step(e, Date.now(), access.settleMs)))) return;
      }
    } catch (error) {
      if (!(error instanceof AtomError && error.code === 'ATOM_ERR_STORE_BUSY')) throw error;
    }
  }

  async function buckets(exec: SqlExecutor, q: ActivityQuery, reads: typeof ALL, ws: string[]) {
    const params = [q.from, q.bucketMs, q.from, q.to, ...ws];
    const count = Math.max(0, Math.ceil((q.to - q.from) / q.bucketMs));
    const list: ActivityBucket[] = Array.from({ length: count }, (_, i) => ({
      at: q.from + i * q.bucketMs,
      started: 0,
      succeeded: 0,
      failed: 0,
      cancelled: 0,
    }));
    for (const row of await exec.all<{ b: Count; n: Count }>(reads.STARTED, params)) {
      const bucket = list[Number(row.b)];
      if (bucket) bucket.started = Number(row.n);
    }
    for (const row of await exec.all<{ b: Count; status: 'succeeded' | 'failed' | 'cancelled'; n: Count }>(
      reads.ENDED,
      params,
    )) {
      const bucket = list[Number(row.b)];
      if (bucket && ENDED_STATUSES.has(row.status)) bucket[row.status] = Number(row.n);
    }
    return list;
  }

  /** Per node type, the window's step-end events: rolled-up whole minutes plus the raw rest. */
  async function byNodeType(exec: SqlExecutor, q: ActivityQuery, reads: typeof ALL, ws: string[]) {
    let first = Math.ceil(q.from / MINUTE_MS) * MINUTE_MS;
    let end = Math.floor(q.to / MINUTE_MS) * MINUTE_MS;
    if (first >= end) [first, end] = [q.from, q.from]; // no whole minute: all of it raw
    const types = new Map<string, MinuteSummary>();
    const of = (t: string) => {
      const entry = types.get(t) ?? emptySummary();
      types.set(t, entry);
      return entry;
    };
    let rolledTo = 0;
    type MinuteRow = { w: Count; t: string | null; n: Count; failed: Count; s: Count; mx: Count; h: string };
    for (const row of await exec.all<MinuteRow>(reads.MINUTES, [first, end, ...ws])) {
      rolledTo = Number(row.w);
      if (row.t !== null) addRow(of(row.t), row);
    }
    const raw = [q.from, first, end, q.to, rolledTo, first, end, ...ws];
    for (const row of await exec.all<{ type: string; t: string | null; d: Count | null }>(reads.RAW, raw)) {
      if (isTimed(row.t, row.d)) addDuration(of(row.t as string), Number(row.d), row.type === 'step.failed');
    }
    return types;
  }

  return {
    async runActivity(access: ActivityAccess, q: ActivityQuery): Promise<RunActivity> {
      await catchUp(access);
      const reads = q.workspaceId === undefined ? ALL : ONE;
      const ws = q.workspaceId === undefined ? [] : [q.workspaceId];
      return access.read(async (exec) => {
        const list = await buckets(exec, q, reads, ws);
        const types = await byNodeType(exec, q, reads, ws);
        const all = emptySummary();
        const nodeTypes: NodeTypeActivity[] = [];
        for (const [nodeType, s] of types) {
          all.count += s.count;
          all.maxMs = Math.max(all.maxMs, s.maxMs);
          mergeInto(all.histogram, s.histogram);
          nodeTypes.push({ nodeType, failed: s.failed, meanMs: s.sumMs / s.count, ...summarize(s) });
        }
        nodeTypes.sort(
          (a, b) => (b.p95Ms ?? 0) - (a.p95Ms ?? 0) || b.meanMs - a.meanMs || (a.nodeType < b.nodeType ? -1 : 1),
        );
        return { buckets: list, steps: summarize(all), nodeTypes: nodeTypes.slice(0, q.nodeTypes) };
      });
    },
  };
}
