/**
 * Migration 0001: the initial schema.
 *
 * In: an empty database. Out: the tables of the StorePort records. Times are INTEGER epoch ms;
 * JSON values are TEXT (NULL when absent). Column names are the records' fields in snake_case,
 * except `idx` for a step's `index`.
 *
 * Indexes follow the queries: the claim queue is a partial index over claimable rows ordered like
 * `claimDue` reads them, leases are a partial index over running rows, `wait_event` is derived
 * from `wait` by SQLite itself so no write path can forget it.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `create table workflows (
    id text primary key,
    name text not null unique,
    created_at integer not null
  )`,
  `create table workflow_versions (
    workflow_id text not null references workflows (id) on delete cascade,
    version integer not null,
    document text not null,
    hash text not null,
    created_at integer not null,
    primary key (workflow_id, version)
  )`,
  `create table runs (
    id text primary key,
    workflow_id text not null,
    workflow_name text not null,
    version integer not null,
    status text not null,
    phase text not null default 'main',
    inputs text,
    trigger text,
    parent_run_id text,
    parent_step_key text,
    outputs text,
    error text,
    created_at integer not null,
    started_at integer,
    finished_at integer,
    updated_at integer not null,
    seq integer not null default 0
  )`,
  'create index runs_status on runs (status)',
  'create index runs_workflow_name on runs (workflow_name)',
  'create index runs_parent_run_id on runs (parent_run_id)',
  'create index runs_created_at on runs (created_at)',
  // Deferred: a unit may insert a run's steps before the run itself.
  `create table steps (
    run_id text not null references runs (id) on delete cascade deferrable initially deferred,
    key text not null,
    step_id text not null,
    scope text not null,
    kind text not null,
    idx integer not null,
    status text not null,
    due_at integer,
    item text,
    target text,
    created_at integer not null,
    attempt integer not null default 0,
    lease_owner text,
    lease_token text,
    lease_expires_at integer,
    input text,
    output text,
    error text,
    wait text,
    resume text,
    item_count integer,
    started_at integer,
    finished_at integer,
    completed_seq integer,
    updated_at integer not null,
    wait_event text generated always as
      (case when wait ->> '$.kind' = 'event' then wait ->> '$.name' end) virtual,
    primary key (run_id, key)
  )`,
  `create index steps_claimable on steps (due_at, created_at)
    where status in ('ready', 'retrying', 'waiting')`,
  `create index steps_leased on steps (lease_expires_at) where status = 'running'`,
  'create index steps_scope on steps (run_id, scope, idx, key)',
  'create index steps_wait_event on steps (wait_event) where wait_event is not null',
  `create table run_events (
    id integer primary key autoincrement,
    run_id text not null references runs (id) on delete cascade deferrable initially deferred,
    type text not null,
    step_key text,
    data text,
    at integer not null
  )`,
  'create index run_events_run on run_events (run_id, id)',
  `create table cache_entries (
    key text primary key,
    value text,
    expires_at integer not null
  )`,
  `create table cache_stats (
    node_type text primary key,
    hits integer not null default 0,
    misses integer not null default 0
  )`,
  `create table workers (
    id text primary key,
    host text not null,
    pid integer not null,
    version text not null,
    started_at integer not null,
    heartbeat_at integer not null
  )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
