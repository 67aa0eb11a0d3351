/**
 * The run event log. Ids come from an AUTOINCREMENT key: they only grow, are never reused, and,
 * because SQLite has one writer at a time, a later commit always carries larger ids (so reading
 * `afterId` never skips an event committed later).
 * In: NewRunEvent[]. Out: RunEvent[] in id order.
 */
import type { NewRunEvent, RunEvent } from '@atom/engine';
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

export async function appendEvents(exec: SqlExecutor, events: readonly NewRunEvent[]): Promise<void> {
  for (const chunk of chunks(events)) {
    const params: unknown[] = [];
    for (const e of chunk) params.push(e.runId, e.type, e.stepKey ?? null, toJson(e.data), e.at);
    await exec.run(insertSql(chunk.length), params);
  }
}

export async function listEvents(exec: SqlExecutor, runId: string, afterId = 0): Promise<RunEvent[]> {
  const rows = await exec.all<EventRow>(SELECT_EVENTS, [runId, afterId]);
  return rows.map((row) => ({
    id: row.id,
    runId: row.run_id,
    type: row.type,
    stepKey: row.step_key,
    data: fromJson(row.data),
    at: row.at,
  }));
}
