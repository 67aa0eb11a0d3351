/**
 * Which due steps a claim takes, in which order, for either adapter (ADR 0007, ADR 0017):
 * - **priority** first: the run's `priority` (from the workflow document or the run start), higher
 *   first; each step carries its run's priority (`steps.priority`, written at insert);
 * - **fair turns** between runs of equal priority, in virtual time: a step is ordered by
 *   `due_at + fair_offset`, where the n-th of the steps that one commit makes due at the same
 *   moment in one run (a foreach's items, parallel branches) has an offset of n × FAIR_QUANTUM_MS.
 *   A run with 10 000 items ready therefore interleaves with a step that another run makes ready a
 *   moment later instead of running all of its items first; alone, it runs at full speed (the
 *   offset orders, it never delays);
 * - **affinity**: among equals, a claimer takes the steps of runs that no other worker is running
 *   first. The units that commit a run's steps lock its row, so a foreach's items spread over
 *   several workers would wait for one another; the runs whose steps run elsewhere come last (a
 *   worker with nothing else to do still takes them). Alone, a worker sees no difference;
 * - **admission**: a step of a `queued` run whose workflow has a `concurrency` limit is taken only
 *   when the limit leaves room for its run (counting runs `running` or `waiting`, and queued runs
 *   ahead of it by priority, then age).
 *
 * The claim reads at most a window of `limit × 8 + 64` due steps, in that order, from the
 * `steps_claim_order` index (migration 0042), so its cost follows what it takes, not how many steps
 * are due. A workflow at its concurrency limit has its queued runs' steps skipped by that read.
 *
 * In: the dialect's placeholders for now, limit [and run id], extra columns of `steps s` to carry
 * (SQLite's rowid) and the columns to select. Out: SQL text returning `pick` of the admitted rows
 * of the window in claim order (at most `limit` of them when `limited`); its placeholders come in
 * the order now, [run id,] limit, owner[, limit].
 */
import type { NewStep } from '@atom/engine';
import { CLAIMABLE, CLAIMABLE_STATUSES } from './queue-queries.js';

/** Virtual time between the steps of one burst (ms). */
export const FAIR_QUANTUM_MS = 10;

const ACTIVE_RUNS = "o.status in ('running', 'waiting')";

/** `status` of `steps s`, qualified (runs have a status too). */
const CLAIMABLE_S = CLAIMABLE.replace('status', 's.status');

/** The claim-order key, exactly as `steps_claim_order` indexes it. */
const FAIR_AT = 's.due_at + s.fair_offset';

/** A slot of `r`'s workflow is free (or the run needs none). */
const ROOM = `(r.status <> 'queued' or r.max_concurrent is null or r.max_concurrent >
    (select count(*) from runs o where o.workflow_id = r.workflow_id and ${ACTIVE_RUNS}))`;

/** The limit still leaves room for a queued run of `r`'s workflow ranked `queue_rank`. */
function admitted(rank: string): string {
  return `(${rank} = 0 or ${rank} <= max_concurrent - (select count(*) from runs o
    where o.workflow_id = ranked.workflow_id and ${ACTIVE_RUNS}))`;
}

export function claimOrderSql(
  p: { now: string; limit: string; owner: string; runId?: string; limited: boolean },
  carry: string,
  pick: string,
): string {
  return `with due as materialized (
    select s.run_id, s.key, s.status, s.due_at, s.created_at, s.priority, ${FAIR_AT} as fair_at, ${carry}
      r.workflow_id, r.status as run_status, r.max_concurrent, r.created_at as run_created
    from steps s join runs r on r.id = s.run_id
    where ${CLAIMABLE_S} and s.due_at <= ${p.now}${p.runId ? ` and s.run_id = ${p.runId}` : ''} and ${ROOM}
    order by s.priority desc, ${FAIR_AT}
    limit ${p.limit} * 8 + 64
  ), elsewhere as materialized (
    select run_id from steps where status = 'running' and lease_token is not null and lease_owner <> ${p.owner}
  ), ranked as (
    select due.*, case when run_id in (select run_id from elsewhere) then 1 else 0 end as busy_elsewhere,
      case when run_status = 'queued' and max_concurrent is not null
        then dense_rank() over (partition by workflow_id, run_status = 'queued' and max_concurrent is not null
          order by priority desc, run_created, run_id)
        else 0 end as queue_rank
    from due
  )
  select ${pick} from ranked where ${admitted('queue_rank')}
  order by priority desc, busy_elsewhere, fair_at, created_at, run_id, key${p.limited ? ` limit ${p.limit}` : ''}`;
}

/**
 * The `fair_offset` of each step of an insert: n × FAIR_QUANTUM_MS for the n-th (oldest created
 * first) claimable step of its run with the same due time; 0 for steps not yet claimable.
 */
export function fairOffsets(steps: readonly NewStep[]): number[] {
  const offsets = steps.map(() => 0);
  // A unit that makes one step due (a linear run's next step) has no burst.
  if (steps.length < 2) return offsets;
  const bursts = new Map<string, number[]>();
  for (const [i, step] of steps.entries()) {
    if (step.dueAt === null || !CLAIMABLE_STATUSES.includes(step.status)) continue;
    const burst = `${step.runId}\u0000${step.dueAt}`;
    const members = bursts.get(burst);
    if (members) members.push(i);
    else bursts.set(burst, [i]);
  }
  for (const members of bursts.values()) {
    if (members.length < 2) continue;
    members.sort((a, b) => (steps[a] as NewStep).createdAt - (steps[b] as NewStep).createdAt);
    for (const [n, i] of members.entries()) offsets[i] = n * FAIR_QUANTUM_MS;
  }
  return offsets;
}

/** The earliest due time among steps a claim could take (admission applied), for `nextDueAt`. */
export const NEXT_ADMISSIBLE_DUE = `select min(s.due_at) as t from steps s join runs r on r.id = s.run_id
  where ${CLAIMABLE_S} and ${ROOM}`;
