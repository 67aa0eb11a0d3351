/**
 * The lazily filled rollup of step-end events behind RunStatsReader.runActivity (ADR 0020), for
 * either adapter. Nothing on the engine's write path touches it: a stats read that finds events
 * not rolled up yet folds them into `step_minutes` (migration 0052) first, a chunk per unit.
 *
 * Events are taken by id, not by time, so an event written late or back-dated lands in its own
 * minute whenever it is rolled up; until then the read takes it raw (ids above `rolled_to`). Ids
 * are rolled up to a `horizon`: the largest id seen at `horizon_at`, once `settleMs` has passed
 * since. SQLite commits one writer at a time in id order, so its horizon settles at once (0);
 * PostgreSQL hands out ids before commit, so a transaction open when the horizon was seen could
 * still commit a smaller id: it is given `settleMs` (default 60 s; units last milliseconds).
 *
 * In: a SqlDialect and ActivitySyntax, then an executor inside a unit. Out: the rollup advanced
 * by one step; `dueAt` tells whether a step is due without taking the write lock.
 */

import { addTo, bucketOf, encodeHistogram, type Histogram, mergeEncoded } from './duration-histogram.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

export interface ActivitySyntax {
  /** The event's `data.nodeType` as text. */
  nodeType: string;
  /** The event's `data.durationMs` as a number (null when absent). */
  durationMs: string;
}

export const MINUTE_MS = 60_000;
/** Events read per unit while rolling up: a unit holds SQLite's write lock for some tens of ms. */
const CHUNK = 20_000;
/** Rows per upsert statement (8 values each). */
const UPSERT_ROWS = 100;
/** Minutes per lookup of existing rows. */
const LOOKUP_MINUTES = 500;

export interface RollupState {
  rolledTo: number;
  horizon: number;
  horizonAt: number;
  /** The largest event id now. */
  top: number;
}

/** One (workspace, minute, node type) of step_minutes, or what a chunk adds to it. */
export interface MinuteSummary {
  count: number;
  failed: number;
  sumMs: number;
  maxMs: number;
  histogram: Histogram;
}

export const emptySummary = (): MinuteSummary => ({ count: 0, failed: 0, sumMs: 0, maxMs: 0, histogram: [] });

/** Adds one step-end event's duration to a summary. */
export function addDuration(into: MinuteSummary, durationMs: number, failed: boolean): void {
  into.count++;
  if (failed) into.failed++;
  into.sumMs += durationMs;
  into.maxMs = Math.max(into.maxMs, durationMs);
  addTo(into.histogram, bucketOf(durationMs));
}

/** Adds a stored row of step_minutes to a summary. */
export function addRow(
  into: MinuteSummary,
  row: { n: number | string; failed: number | string; s: number | string; mx: number | string; h: string },
): void {
  into.count += Number(row.n);
  into.failed += Number(row.failed);
  into.sumMs += Number(row.s);
  into.maxMs = Math.max(into.maxMs, Number(row.mx));
  mergeEncoded(into.histogram, row.h);
}

/** Step-end events that carry a duration and are not containers (groups, foreach). */
export const isTimed = (t: string | null, d: number | string | null): d is number | string =>
  d !== null && t !== null && t !== 'group';

type Num = number | string;

export function activityRollup(d: SqlDialect, syntax: ActivitySyntax) {
  const STATE = `select rolled_to as "rolledTo", horizon, horizon_at as "horizonAt",
  (select max(id) from run_events) as top from step_rollup where id = 1`;
  const LOCK = `select rolled_to as "rolledTo", horizon, horizon_at as "horizonAt" from step_rollup where id = 1${d.rowLock}`;
  // A left join: an event whose run is gone still counts toward the chunk's size (ws is null).
  const EVENTS = `select e.id, e.at, e.type, r.workspace_id as ws, e.t, e.d from (
    select id, run_id, at, type, ${syntax.nodeType} as t, ${syntax.durationMs} as d from run_events
    where id > ${d.param(1)} and id <= ${d.param(2)} and type in ('step.succeeded', 'step.failed')
    order by id limit ${d.param(3)}) e left join runs r on r.id = e.run_id`;
  const SET_ROLLED = `update step_rollup set rolled_to = ${d.param(1)} where id = 1`;
  const SET_HORIZON = `update step_rollup set horizon = ${d.param(1)}, horizon_at = ${d.param(2)} where id = 1`;
  const existing = (minutes: number) => `select workspace_id as ws, minute, node_type as t, count as n, failed,
  sum_ms as s, max_ms as mx, histogram as h from step_minutes where minute in (${Array.from({ length: minutes }, (_, i) => d.param(i + 1)).join(', ')})`;
  const upsert = (rows: number) => `insert into step_minutes
  (workspace_id, minute, node_type, count, failed, sum_ms, max_ms, histogram) values ${Array.from(
    { length: rows },
    (_, r) => `(${Array.from({ length: 8 }, (_, c) => d.param(r * 8 + c + 1)).join(', ')})`,
  ).join(', ')}
  on conflict (workspace_id, minute, node_type) do update set count = excluded.count, failed = excluded.failed,
  sum_ms = excluded.sum_ms, max_ms = excluded.max_ms, histogram = excluded.histogram`;

  const asState = (row: { rolledTo: Num; horizon: Num; horizonAt: Num; top?: Num | null }): RollupState => ({
    rolledTo: Number(row.rolledTo),
    horizon: Number(row.horizon),
    horizonAt: Number(row.horizonAt),
    top: Number(row.top ?? 0),
  });

  /** Folds a chunk of events into step_minutes: the rows they touch are read, merged and written back. */
  async function fold(
    exec: SqlExecutor,
    events: { at: Num; type: string; ws: string | null; t: string | null; d: Num | null }[],
  ) {
    const added = new Map<string, { ws: string; minute: number; t: string; summary: MinuteSummary }>();
    for (const e of events) {
      if (e.ws === null || !isTimed(e.t, e.d)) continue;
      const minute = Math.floor(Number(e.at) / MINUTE_MS) * MINUTE_MS;
      const key = `${e.ws}\u0000${minute}\u0000${e.t}`;
      const entry = added.get(key) ?? { ws: e.ws, minute, t: e.t as string, summary: emptySummary() };
      added.set(key, entry);
      addDuration(entry.summary, Number(e.d), e.type === 'step.failed');
    }
    const minutes = [...new Set([...added.values()].map((a) => a.minute))];
    for (let i = 0; i < minutes.length; i += LOOKUP_MINUTES) {
      const some = minutes.slice(i, i + LOOKUP_MINUTES);
      const rows = await exec.all<{
        ws: string;
        minute: Num;
        t: string;
        n: Num;
        failed: Num;
        s: Num;
        mx: Num;
        h: string;
      }>(existing(some.length), some);
      for (const row of rows) {
        const entry = added.get(`${row.ws}\u0000${Number(row.minute)}\u0000${row.t}`);
        if (entry) addRow(entry.summary, row);
      }
    }
    const merged = [...added.values()];
    for (let i = 0; i < merged.length; i += UPSERT_ROWS) {
      const some = merged.slice(i, i + UPSERT_ROWS);
      await exec.run(
        upsert(some.length),
        some.flatMap(({ ws, minute, t, summary: s }) => [
          ws,
          minute,
          t,
          s.count,
          s.failed,
          s.sumMs,
          s.maxMs,
          encodeHistogram(s.histogram),
        ]),
      );
    }
  }

  return {
    /** Where the rollup stands, and the largest event id (one cheap read, no lock). */
    async state(exec: SqlExecutor): Promise<RollupState> {
      const [row] = await exec.all<{ rolledTo: Num; horizon: Num; horizonAt: Num; top: Num | null }>(STATE);
      if (!row) throw new Error('step_rollup has no row: migration 0052 did not run');
      return asState(row);
    },

    /** Whether `step` has anything to do at `now`. */
    due(state: RollupState, now: number, settleMs: number): boolean {
      if (state.horizon > state.rolledTo) return now - state.horizonAt >= settleMs;
      return state.top > state.horizon;
    },

    /**
     * One step, inside a unit that holds the rollup's row: roll up a chunk of settled events, or
     * take a new horizon once everything settled is rolled up. True when another step is due at once.
     */
    async step(exec: SqlExecutor, now: number, settleMs: number): Promise<boolean> {
      const [row] = await exec.all<{ rolledTo: Num; horizon: Num; horizonAt: Num }>(LOCK);
      if (!row) return false;
      const { rolledTo, horizon, horizonAt } = asState(row);
      if (horizon > rolledTo) {
        if (now - horizonAt < settleMs) return false;
        const events = await exec.all<{
          id: Num;
          at: Num;
          type: string;
          ws: string | null;
          t: string | null;
          d: Num | null;
        }>(EVENTS, [rolledTo, horizon, CHUNK]);
        await fold(exec, events);
        const last = events.length < CHUNK ? horizon : events.reduce((m, e) => Math.max(m, Number(e.id)), rolledTo);
        await exec.run(SET_ROLLED, [last]);
        return last < horizon;
      }
      const [top] = await exec.all<{ top: Num | null }>('select max(id) as top from run_events');
      const newest = Number(top?.top ?? 0);
      if (newest <= horizon) return false;
      await exec.run(SET_HORIZON, [newest, now]);
      return settleMs === 0;
    },
  };
}
