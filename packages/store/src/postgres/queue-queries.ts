/**
 * The queue of claimable steps: claim under a lease, renew, release, the next due time, event
 * waiters. A step is claimable when it is `ready`, `retrying` or `waiting` with `due_at <= now`.
 *
 * In: owner, times, tokens. Out: ClaimedStep / StepRecord rows, tokens no longer held.
 * Claims and releases lock the rows they pick with `for update skip locked`: concurrent claimers
 * (any number of processes) each get other rows and never wait for one another, and a row that
 * changed since the pick is checked again against the WHERE before it is taken.
 */
import type { ClaimedStep, StepRecord } from '@atom/engine';
import { claimOrderSql, NEXT_ADMISSIBLE_DUE } from '../shared/queue-order.js';
import { CLAIMABLE, type ClaimOptions, hasDueQuery, lostTokens, type ReleaseOptions } from '../shared/queue-queries.js';
import type { SqlExecutor } from '../shared/sql-executor.js';
import { STEP_COLUMNS, STEP_FIELDS, stepColumns } from '../shared/step-columns.js';
import { POSTGRES_DIALECT } from './postgres-dialect.js';

/**
 * Parameters: now, limit, owner, lease expiry[, run id]. `chosen` is the window of due steps in
 * claim order (queue-order.ts); `picked` locks up to `limit` of them, skipping rows another claimer
 * holds, so concurrent claimers each take the next free rows instead of coming back short. (Locking
 * the runs' rows here too, to skip busy runs, made claims come back empty while a run's steps were
 * due, and deadlocked against a follow-up that appends events before locking the run.) It keeps
 * each row's status before the claim (RETURNING only sees the new one). A row that was `waiting`
 * resumes on its timer and a row with `resume` set resumes too: neither starts a new attempt.
 */
function claimSql(inRun: boolean): string {
  const order = claimOrderSql(
    { now: '$1', limit: '$2', owner: '$3', limited: false, ...(inRun ? { runId: '$5' } : {}) },
    '',
    'run_id, key, priority, busy_elsewhere, fair_at, created_at',
  );
  return `with chosen as materialized (${order}
  ), picked as materialized (
    select s.run_id, s.key, s.status, s.due_at from steps s join chosen c on c.run_id = s.run_id and c.key = s.key
    where s.${CLAIMABLE} and s.due_at <= $1
    order by c.priority desc, c.busy_elsewhere, c.fair_at, c.created_at, c.run_id, c.key
    limit $2
    for update of s skip locked
  ), claimed as (
    update steps s set
      status = 'running',
      attempt = case when p.status = 'waiting' or s.resume is not null then s.attempt else s.attempt + 1 end,
      resume = case when p.status = 'waiting' then '{"reason":"timer"}'::jsonb else s.resume end,
      lease_owner = $3, lease_token = gen_random_uuid()::text, lease_expires_at = $4, due_at = null,
      started_at = coalesce(s.started_at, $1), updated_at = $1
    from picked p where s.run_id = p.run_id and s.key = p.key
    returning ${stepColumns('s')}, p.status as "claimedFrom", p.due_at as claimed_due_at
  )
  select ${STEP_FIELDS}, "claimedFrom" from claimed order by claimed_due_at, "createdAt"`;
}
const CLAIM = claimSql(false);
const CLAIM_IN_RUN = claimSql(true);

const RENEW = `update steps set lease_expires_at = $1
  where status = 'running' and lease_owner = $2 and lease_token = any($3::text[])
  returning lease_token as "leaseToken"`;

const LEASED = "status = 'running' and lease_token is not null";
const EXPIRED = `${LEASED} and lease_expires_at <= $1`;

/** Parameters: now[, owners]. Returns the rows as they were before the release. */
function releaseSql(which: string): string {
  return `with old as materialized (
    select ${STEP_COLUMNS} from steps where ${which} for update skip locked
  ), released as (
    update steps s set status = 'ready', due_at = $1::bigint, lease_owner = null, lease_token = null,
      lease_expires_at = null, updated_at = $1::bigint
    from old where s.run_id = old."runId" and s.key = old.key
    returning old.*
  )
  select * from released order by "runId", key`;
}
const RELEASE_EXPIRED = releaseSql(EXPIRED);
const RELEASE_OWNED = releaseSql(`${LEASED} and lease_owner = any($2::text[])`);
const HAS_EXPIRED = `select 1 from steps where ${EXPIRED} limit 1`;
const HAS_OWNED = `select 1 from steps where ${LEASED} and lease_owner = any($1::text[]) limit 1`;

const NEXT_DUE = `select least(
  (${NEXT_ADMISSIBLE_DUE}),
  (select min(lease_expires_at) from steps where ${LEASED})) as t`;
const EVENT_WAITERS = `select ${STEP_COLUMNS} from steps where wait_event = $1 and status = 'waiting'
  order by created_at, run_id, key`;

export const hasDue = hasDueQuery(POSTGRES_DIALECT);

/** One statement: atomic alone, or part of the caller's unit. */
export async function claimDue(exec: SqlExecutor, options: ClaimOptions): Promise<ClaimedStep[]> {
  const { owner, now, limit, leaseMs, runId } = options;
  if (limit <= 0) return [];
  const params = [now, limit, owner, now + leaseMs];
  return runId === undefined
    ? exec.all<ClaimedStep>(CLAIM, params)
    : exec.all<ClaimedStep>(CLAIM_IN_RUN, [...params, runId]);
}

export async function renewLeases(
  exec: SqlExecutor,
  owner: string,
  tokens: readonly string[],
  expiresAt: number,
): Promise<string[]> {
  if (tokens.length === 0) return [];
  const rows = await exec.all<{ leaseToken: string }>(RENEW, [expiresAt, owner, tokens]);
  return lostTokens(tokens, rows);
}

/** Lock-free: would `releaseLeases` release anything? */
export async function hasReleasable(exec: SqlExecutor, { now, owners }: ReleaseOptions): Promise<boolean> {
  if (owners !== undefined) return owners.length > 0 && (await exec.all(HAS_OWNED, [owners])).length > 0;
  return (await exec.all(HAS_EXPIRED, [now])).length > 0;
}

/** One statement: atomic alone, or part of the caller's unit. */
export async function releaseLeases(exec: SqlExecutor, { now, owners }: ReleaseOptions): Promise<StepRecord[]> {
  if (owners === undefined) return exec.all<StepRecord>(RELEASE_EXPIRED, [now]);
  if (owners.length === 0) return [];
  return exec.all<StepRecord>(RELEASE_OWNED, [now, owners]);
}

export async function nextDueAt(exec: SqlExecutor): Promise<number | undefined> {
  const [row] = await exec.all<{ t: number | null }>(NEXT_DUE);
  return row?.t ?? undefined;
}

export async function findEventWaiters(exec: SqlExecutor, name: string): Promise<StepRecord[]> {
  return exec.all<StepRecord>(EVENT_WAITERS, [name]);
}
