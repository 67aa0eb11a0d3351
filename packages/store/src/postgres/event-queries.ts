/**
 * The run event log. Ids come from a bigserial: they only grow and are never reused, but a
 * sequence hands them out when rows are inserted, not when units commit, so two units could commit
 * their events in the other order than their ids. A reader of `listEvents(run, afterId)` would then
 * skip the event committed second. To keep the ids of one run in commit order, appending takes a
 * lock per run (an advisory lock held until the unit ends) before the ids are drawn: the next unit
 * appending to that run waits for this one to commit. Runs do not wait for one another, so across
 * runs ids stay unique and increasing in draw order only.
 *
 * The event feed (the stream across runs, ADR 0009) needs an order in which nothing can appear
 * behind a reader. Each row keeps `pos_tx`: the id of the transaction that wrote it, or the
 * previous event of its run's `pos_tx` when that is larger (so a run's events stay in id order in
 * the feed). The feed is ordered by (pos_tx, id) and read only below the oldest transaction still
 * running (`pg_snapshot_xmin`): every writer below it has ended, and every later writer gets a
 * larger transaction id, so the part read is final. Its cursor is `<pos_tx>:<id>`, read from there on.
 *
 * In: NewRunEvent[]. Out: RunEvent[] in id order; feed pages of FeedEvent[] in feed order.
 */
import {
  compareFeedCursors,
  type EventFeedPage,
  type EventFeedQuery,
  type FeedEvent,
  type NewRunEvent,
  parseFeedCursor,
  type RunEvent,
  resumeAfter,
} from '@atom/engine';
import { toJson } from '../shared/json-text.js';
import type { SqlExecutor } from '../shared/sql-executor.js';

/** First key of the run locks (pg_advisory_xact_lock(int, int)); the second is a hash of the run id. */
export const EVENT_LOCK_CLASS = 0x41544f45; // 'ATOE'

/**
 * The locks are taken in run id order (two units appending to the same runs cannot deadlock on
 * them), in a statement of their own: the insert that follows then has a snapshot taken after the
 * previous appender of each run committed, so it sees that appender's `pos_tx`.
 */
const LOCK = `select pg_advisory_xact_lock(${EVENT_LOCK_CLASS}, hashtext(run_id))
  from (select distinct unnest($1::text[]) as run_id order by 1) as runs`;
const APPEND = `insert into run_events (run_id, type, step_key, data, at, pos_tx)
  select e.run_id, e.type, e.step_key, e.data, e.at, greatest(pg_current_xact_id(), coalesce(
    (select p.pos_tx from run_events p where p.run_id = e.run_id order by p.id desc limit 1), '0'::xid8))
  from unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::bigint[])
    with ordinality as e (run_id, type, step_key, data, at, n)
  order by e.n`;
const SELECT_EVENTS = `select id, run_id as "runId", type, step_key as "stepKey", data, at
  from run_events where run_id = $1 and id > $2 order by id`;

export async function appendEvents(exec: SqlExecutor, events: readonly NewRunEvent[]): Promise<void> {
  if (events.length === 0) return;
  const runIds = events.map((e) => e.runId);
  await exec.all(LOCK, [runIds]);
  await exec.run(APPEND, [
    runIds,
    events.map((e) => e.type),
    events.map((e) => e.stepKey ?? null),
    events.map((e) => toJson(e.data)),
    events.map((e) => e.at),
  ]);
}

export async function listEvents(exec: SqlExecutor, runId: string, afterId = 0): Promise<RunEvent[]> {
  return exec.all<RunEvent>(SELECT_EVENTS, [runId, afterId]);
}

const FEED_COLUMNS = `e.id, e.run_id as "runId", e.type, e.step_key as "stepKey", e.data, e.at,
  r.workflow_id as "workflowId", r.workspace_id as "workspaceId", e.pos_tx::text as tx`;

interface FeedRow extends Omit<FeedEvent, 'next'> {
  tx: string;
}

/**
 * One statement: the horizon (oldest running transaction) and the page below it. Without events
 * the lateral join still yields the horizon row, with null event columns.
 */
export async function readEventFeed(exec: SqlExecutor, query: EventFeedQuery): Promise<EventFeedPage> {
  const from = parseFeedCursor(query.from);
  const params: unknown[] = [from.tx, from.id];
  let where = '(e.pos_tx, e.id) >= ($1::xid8, $2::bigint) and e.pos_tx < h.head';
  if (query.until !== undefined) {
    const until = parseFeedCursor(query.until);
    params.push(until.tx, until.id);
    where += ` and (e.pos_tx, e.id) < ($${params.length - 1}::xid8, $${params.length}::bigint)`;
  }
  if (query.runId !== undefined) {
    params.push(query.runId);
    where += ` and e.run_id = $${params.length}`;
  }
  if (query.workflowId !== undefined) {
    params.push(query.workflowId);
    where += ` and r.workflow_id = $${params.length}`;
  }
  if (query.workspaceId !== undefined) {
    params.push(query.workspaceId);
    where += ` and r.workspace_id = $${params.length}`;
  }
  params.push(query.limit);
  const rows = await exec.all<{ head: string; pending: boolean } & Partial<FeedRow>>(
    `select h.head::text as head, exists (select 1 from run_events p where p.pos_tx >= h.head) as pending, f.*
      from (select pg_snapshot_xmin(pg_current_snapshot()) as head) h
      left join lateral (select ${FEED_COLUMNS} from run_events e join runs r on r.id = e.run_id
        where ${where} order by e.pos_tx, e.id limit $${params.length}) f on true`,
    params,
  );
  const head = `${rows[0]?.head ?? from.tx}:0`;
  const pending = rows[0]?.pending === true;
  const found = rows.filter((row): row is { head: string; pending: boolean } & FeedRow => typeof row.id === 'number');
  const events: FeedEvent[] = found.map(({ head: _head, pending: _pending, tx, ...event }) => ({
    ...event,
    next: `${tx}:${event.id + 1}`,
  }));
  const last = events.at(-1);
  if (last !== undefined && events.length >= query.limit) return { events, next: last.next, pending };
  // A caller's `from` may lie past the horizon; the cursor never moves back.
  const end = query.until ?? head;
  return { events, next: compareFeedCursors(end, query.from) >= 0 ? end : query.from, pending };
}

export async function eventFeedCursor(exec: SqlExecutor, start?: 0): Promise<string> {
  if (start === 0) return '0:0';
  const rows = await exec.all<{ head: string }>('select pg_snapshot_xmin(pg_current_snapshot())::text as head');
  return `${rows[0]?.head ?? '0'}:0`;
}

/**
 * The event's own position, and the last position retention pruned in the workspace. An event no
 * longer stored has no position: ids do not say where it stood in the feed (a smaller id may come
 * later), so resuming from a neighbour would repeat or skip events.
 */
const RESUME = `select e.pos_tx::text as tx, e.id,
    (select p.through from event_feed_pruned p where p.workspace_id = $2) as pruned
  from run_events e where e.id = $1`;

export async function resumeFeedCursor(
  exec: SqlExecutor,
  afterEventId: number,
  workspaceId: string,
): Promise<string | null> {
  if (afterEventId <= 0) return '0:0';
  const [row] = await exec.all<{ tx: string; id: number; pruned: string | null }>(RESUME, [afterEventId, workspaceId]);
  return resumeAfter(row && { position: `${row.tx}:${row.id}`, pruned: row.pruned });
}
