/**
 * Which due steps a claim takes, in which order, for either adapter (ADR 0007):
 * - **priority** first: the run's `priority` (from the workflow document or the run start), higher
 *   first;
 * - **fair turns** among workflows of equal priority: each workflow's due steps are numbered
 *   (oldest due first) and the claim takes every workflow's first step, then every second, … — so
 *   a workflow with 10 000 ready steps cannot starve one with a single step;
 * - **admission**: a step of a `queued` run whose workflow has a `concurrency` limit is taken only
 *   when the limit leaves room for its run (counting runs `running` or `waiting`, and queued runs
 *   ahead of it by priority, then age).
 *
 * In: the dialect's placeholders for now, limit [and run id], extra columns of `steps s` to carry
 * (SQLite's rowid) and the columns to select. Out: SQL text returning `pick` of at most `limit`
 * rows, in claim order; its placeholders come in the order now, [run id,] limit.
 */
import { CLAIMABLE } from './queue-queries.js';

const ACTIVE_RUNS = "o.status in ('running', 'waiting')";

/** `status` of `steps s`, qualified (runs have a status too). */
const CLAIMABLE_S = CLAIMABLE.replace('status', 's.status');

/** The limit still leaves room for a queued run of `r`'s workflow ranked `queue_rank`. */
function admitted(rank: string): string {
  return `(${rank} = 0 or ${rank} <= max_concurrent - (select count(*) from runs o
    where o.workflow_id = ranked.workflow_id and ${ACTIVE_RUNS}))`;
}

export function claimOrderSql(p: { now: string; limit: string; runId?: string }, carry: string, pick: string): string {
  return `with due as (
    select s.run_id, s.key, s.status, s.due_at, s.created_at, ${carry}
      r.workflow_id, r.priority, r.status as run_status, r.max_concurrent, r.created_at as run_created
    from steps s join runs r on r.id = s.run_id
    where ${CLAIMABLE_S} and s.due_at <= ${p.now}${p.runId ? ` and s.run_id = ${p.runId}` : ''}
  ), ranked as (
    select due.*,
      case when run_status = 'queued' and max_concurrent is not null
        then dense_rank() over (partition by workflow_id, run_status = 'queued' and max_concurrent is not null
          order by priority desc, run_created, run_id)
        else 0 end as queue_rank,
      row_number() over (partition by workflow_id order by priority desc, due_at, created_at, run_id, key) as turn
    from due
  )
  select ${pick} from ranked where ${admitted('queue_rank')}
  order by priority desc, turn, due_at, created_at, run_id, key limit ${p.limit}`;
}

/** The earliest due time among steps a claim could take (admission applied), for `nextDueAt`. */
export const NEXT_ADMISSIBLE_DUE = `select min(s.due_at) as t from steps s join runs r on r.id = s.run_id
  where ${CLAIMABLE_S} and (r.status <> 'queued' or r.max_concurrent is null or r.max_concurrent >
    (select count(*) from runs o where o.workflow_id = r.workflow_id and ${ACTIVE_RUNS}))`;
