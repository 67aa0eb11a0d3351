/**
 * The run event log. Ids come from a bigserial: they only grow and are never reused, but a
 * sequence hands them out when rows are inserted, not when units commit, so two units could commit
 * their events in the other order than their ids. A reader of `listEvents(run, afterId)` would then
 * skip the event committed second. To keep the ids of one run in commit order, appending takes a
 * lock per run (an advisory lock held until the unit ends) before the ids are drawn: the next unit
 * appending to that run waits for this one to commit. Runs do not wait for one another, so across
 * runs ids stay unique and increasing in draw order only.
 *
 * In: NewRunEvent[]. Out: RunEvent[] in id order.
 */
import type { NewRunEvent, RunEvent } from '@atom/engine';
import { toJson } from '../shared/json-text.js';
import type { SqlExecutor } from '../shared/sql-executor.js';

/** First key of the run locks (pg_advisory_xact_lock(int, int)); the second is a hash of the run id. */
export const EVENT_LOCK_CLASS = 0x41544f45; // 'ATOE'

/**
 * The locks are taken in run id order (two units appending to the same runs cannot deadlock on
 * them), by the `locks` CTE that the WHERE reads once before any row, hence before any id is drawn.
 */
const APPEND = `with locks as (
    select pg_advisory_xact_lock(${EVENT_LOCK_CLASS}, hashtext(run_id))
    from (select distinct unnest($1::text[]) as run_id order by 1) as runs
  )
  insert into run_events (run_id, type, step_key, data, at)
  select e.run_id, e.type, e.step_key, e.data, e.at
  from unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::bigint[])
    with ordinality as e (run_id, type, step_key, data, at, n)
  where (select count(*) from locks) > 0
  order by e.n`;
const SELECT_EVENTS = `select id, run_id as "runId", type, step_key as "stepKey", data, at
  from run_events where run_id = $1 and id > $2 order by id`;

export async function appendEvents(exec: SqlExecutor, events: readonly NewRunEvent[]): Promise<void> {
  if (events.length === 0) return;
  await exec.run(APPEND, [
    events.map((e) => e.runId),
    events.map((e) => e.type),
    events.map((e) => e.stepKey ?? null),
    events.map((e) => toJson(e.data)),
    events.map((e) => e.at),
  ]);
}

export async function listEvents(exec: SqlExecutor, runId: string, afterId = 0): Promise<RunEvent[]> {
  return exec.all<RunEvent>(SELECT_EVENTS, [runId, afterId]);
}
