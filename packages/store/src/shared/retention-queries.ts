/**
 * Retention (RetentionStore) for either adapter: the per-workspace setting, and the deletion of
 * a workspace's finished runs older than it, oldest first, a batch per transaction. Rows are deleted explicitly
 * (events, steps, then runs) rather than by cascade, so counts are exact on both databases. Blob
 * references are read from the JSON text of the rows before they go; whether a blob is still used
 * elsewhere is a separate, cheap-enough scan (blob outputs are rare: over 256 KiB).
 * Each batch also moves the workspace's mark in `event_feed_pruned` to the feed position of the
 * last event it deleted, so a stream client resuming from an earlier event is told that some of
 * what followed is gone (StorePort.resumeFeedCursor) instead of silently missing it.
 *
 * The dashboard's rollup (step_minutes, ADR 0020) goes with them: each batch deletes the
 * workspace's rolled-up minutes that ended before the cutoff. A minute that straddles the cutoff
 * stays whole; minutes before it lose the figures of runs still kept (in flight, or finished after
 * the cutoff), as the window they belong to is older than the workspace keeps.
 *
 * In: a SqlDialect, then RetentionSettings / PruneQuery. Out: the same, PruneBatch.
 */

import { compareFeedCursors } from '@atom/engine';
import type { PruneBatch, PruneQuery, RetentionSettings } from '../control/retention-store.js';
import { MINUTE_MS } from './activity-rollup.js';
import { paramList, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

const FINISHED = "status in ('succeeded', 'failed', 'cancelled') and finished_at is not null";
/** Where a run's rows may hold blob references: table, JSON column, run id column. */
const BLOB_COLUMNS = [
  ['steps', 'output', 'run_id'],
  ['runs', 'outputs', 'id'],
  ['run_events', 'data', 'run_id'],
] as const;
const BLOB_REF = /"\$blob"\s*:\s*"(sha256:[0-9a-f]{64})"/g;

export function retentionQueries(d: SqlDialect) {
  const GET = `select workspace_id as "workspaceId", run_days as "runDays", updated_at as "updatedAt"
  from workspace_retention where workspace_id = ${d.param(1)}`;
  const PUT = `insert into workspace_retention (workspace_id, run_days, updated_at) values ${paramList(d, 3)}
  on conflict (workspace_id) do update set run_days = excluded.run_days, updated_at = excluded.updated_at`;
  const OLDEST = `select id from runs where ${FINISHED} and finished_at < ${d.param(1)} and workspace_id = ${d.param(2)}
  order by finished_at, id limit ${d.param(3)}`;
  // Parameters: (time, workspace) three times.
  const prunable = (n: number) =>
    `select id from runs where ${FINISHED} and finished_at < ${d.param(n)} and workspace_id = ${d.param(n + 1)}`;
  const COUNT = `select
    (select count(*) from (${prunable(1)}) r) as runs,
    (select count(*) from steps where run_id in (${prunable(3)})) as steps,
    (select count(*) from run_events where run_id in (${prunable(5)})) as events`;
  const REFERENCED = `select 1 as hit from steps where cast(output as text) like ${d.param(1)}
  union all select 1 from runs where cast(outputs as text) like ${d.param(2)}
  union all select 1 from run_events where cast(data as text) like ${d.param(3)} limit 1`;
  const ids = (n: number) => paramList(d, n);
  const PRUNE_MINUTES = `delete from step_minutes where workspace_id = ${d.param(1)} and minute <= ${d.param(2)}`;
  const lastPosition = (list: string) =>
    `select ${d.feedPosition} as position from run_events e where e.run_id in ${list} order by ${d.feedOrderLastFirst} limit 1`;
  const MARK = `select through from event_feed_pruned where workspace_id = ${d.param(1)}${d.rowLock}`;
  const PUT_MARK = `insert into event_feed_pruned (workspace_id, through) values ${paramList(d, 2)}
  on conflict (workspace_id) do update set through = excluded.through`;

  return {
    async getRetention(exec: SqlExecutor, workspaceId: string): Promise<RetentionSettings | undefined> {
      const [row] = await exec.all<RetentionSettings>(GET, [workspaceId]);
      return (
        row && { ...row, runDays: row.runDays === null ? null : Number(row.runDays), updatedAt: Number(row.updatedAt) }
      );
    },
    async putRetention(exec: SqlExecutor, s: RetentionSettings): Promise<void> {
      await exec.run(PUT, [s.workspaceId, s.runDays, s.updatedAt]);
    },
    async pruneRuns(exec: SqlExecutor, query: PruneQuery): Promise<PruneBatch> {
      await exec.run(PRUNE_MINUTES, [query.workspaceId, query.finishedBefore - MINUTE_MS]);
      const params = [query.finishedBefore, query.workspaceId, query.limit];
      const runIds = (await exec.all<{ id: string }>(OLDEST, params)).map((r) => r.id);
      if (runIds.length === 0) return { runs: 0, steps: 0, events: 0, blobRefs: [] };
      const list = ids(runIds.length);
      const blobRefs = new Set<string>();
      for (const [table, column, key] of BLOB_COLUMNS) {
        const texts = await exec.all<{ text: string | null }>(
          `select cast(${column} as text) as text from ${table} where ${key} in ${list} and cast(${column} as text) like '%$blob%'`,
          runIds,
        );
        for (const { text } of texts)
          for (const match of (text ?? '').matchAll(BLOB_REF)) blobRefs.add(match[1] as string);
      }
      const [last] = await exec.all<{ position: string }>(lastPosition(list), runIds);
      if (last !== undefined) {
        const [mark] = await exec.all<{ through: string }>(MARK, [query.workspaceId]);
        if (mark === undefined || compareFeedCursors(last.position, mark.through) > 0) {
          await exec.run(PUT_MARK, [query.workspaceId, last.position]);
        }
      }
      const events = await exec.run(`delete from run_events where run_id in ${list}`, runIds);
      const steps = await exec.run(`delete from steps where run_id in ${list}`, runIds);
      const runs = await exec.run(`delete from runs where id in ${list}`, runIds);
      return { runs, steps, events, blobRefs: [...blobRefs] };
    },
    async countPrunable(
      exec: SqlExecutor,
      finishedBefore: number,
      workspaceId: string,
    ): Promise<Omit<PruneBatch, 'blobRefs'>> {
      const pair = [finishedBefore, workspaceId];
      const [row] = await exec.all<{ runs: number | string; steps: number | string; events: number | string }>(COUNT, [
        ...pair,
        ...pair,
        ...pair,
      ]);
      return { runs: Number(row?.runs ?? 0), steps: Number(row?.steps ?? 0), events: Number(row?.events ?? 0) };
    },
    async blobReferenced(exec: SqlExecutor, ref: string): Promise<boolean> {
      const pattern = `%${ref}%`;
      return (await exec.all(REFERENCED, [pattern, pattern, pattern])).length > 0;
    },
  };
}
