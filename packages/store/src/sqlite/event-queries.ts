/**
 * The run event log. Ids come from an AUTOINCREMENT key: they only grow, are never reused, and,
 * because SQLite has one writer at a time, a later commit always carries larger ids (so reading
 * `afterId` never skips an event committed later).
 * The event feed (the stream across runs) is therefore plain id order here; its cursor is
 * `0:<next id to read>`.
 *
 * In: NewRunEvent[]. Out: RunEvent[] in id order; feed pages of FeedEvent[] in id order.
 */
import {
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
import { fromJson } from './json-column.js';
import { chunks, multiRowInsert } from './multi-row-insert.js';

const insertSql = multiRowInsert('insert into run_events (run_id, type, step_key, data, at)', 5);
const SELECT_EVENTS =
  'select id, run_id, type, step_key, data, at from run_events where run_id = ? and id > ? order by id';

interface EventRow {
  id: number;
  run_id: string;
  type: string;
  step_key: string | null;
  data: string | null;
  at: number;
}

interface FeedRow extends EventRow {
  workflow_id: string;
  workspace_id: string;
}

const HEAD = 'select coalesce(max(id), 0) + 1 as head from run_events';

export async function appendEvents(exec: SqlExecutor, events: readonly NewRunEvent[]): Promise<void> {
  for (const chunk of chunks(events)) {
    const params: unknown[] = [];
    for (const e of chunk) params.push(e.runId, e.type, e.stepKey ?? null, toJson(e.data), e.at);
    await exec.run(insertSql(chunk.length), params);
  }
}

export async function listEvents(exec: SqlExecutor, runId: string, afterId = 0): Promise<RunEvent[]> {
  const rows = await exec.all<EventRow>(SELECT_EVENTS, [runId, afterId]);
  return rows.map(eventOf);
}

function eventOf(row: EventRow): RunEvent {
  return {
    id: row.id,
    runId: row.run_id,
    type: row.type,
    stepKey: row.step_key,
    data: fromJson(row.data),
    at: row.at,
  };
}

/**
 * The end is read before the page: every id below it had committed then (one writer at a time),
 * so a page read afterwards cannot miss an event that commits in between.
 */
export async function readEventFeed(exec: SqlExecutor, query: EventFeedQuery): Promise<EventFeedPage> {
  const head = (await exec.all<{ head: number }>(HEAD))[0]?.head ?? 1;
  const from = parseFeedCursor(query.from).id;
  const until = query.until === undefined ? head : Math.min(head, parseFeedCursor(query.until).id);
  const params: unknown[] = [from, until];
  let where = 'e.id >= ? and e.id < ?';
  if (query.runId !== undefined) {
    where += ' and e.run_id = ?';
    params.push(query.runId);
  }
  if (query.workflowId !== undefined) {
    where += ' and r.workflow_id = ?';
    params.push(query.workflowId);
  }
  if (query.workspaceId !== undefined) {
    where += ' and r.workspace_id = ?';
    params.push(query.workspaceId);
  }
  params.push(query.limit);
  const rows = await exec.all<FeedRow>(
    `select e.id, e.run_id, e.type, e.step_key, e.data, e.at, r.workflow_id, r.workspace_id
      from run_events e join runs r on r.id = e.run_id where ${where} order by e.id limit ?`,
    params,
  );
  const events: FeedEvent[] = rows.map((row) => ({
    ...eventOf(row),
    workflowId: row.workflow_id,
    workspaceId: row.workspace_id,
    next: `0:${row.id + 1}`,
  }));
  const last = events.at(-1);
  const full = last !== undefined && events.length >= query.limit;
  return { events, next: full ? last.next : `0:${Math.max(until, from)}`, pending: false };
}

export async function eventFeedCursor(exec: SqlExecutor, start?: 0): Promise<string> {
  if (start === 0) return '0:0';
  return `0:${(await exec.all<{ head: number }>(HEAD))[0]?.head ?? 1}`;
}

const RESUME = `select e.id, (select p.through from event_feed_pruned p where p.workspace_id = ?) as pruned
  from run_events e where e.id = ?`;

/** As on PostgreSQL: the stored event's position, checked against the workspace's last pruned one. */
export async function resumeFeedCursor(
  exec: SqlExecutor,
  afterEventId: number,
  workspaceId: string,
): Promise<string | null> {
  if (afterEventId <= 0) return '0:0';
  const [row] = await exec.all<{ id: number; pruned: string | null }>(RESUME, [workspaceId, afterEventId]);
  return resumeAfter(row && { position: `0:${row.id}`, pruned: row.pruned });
}
