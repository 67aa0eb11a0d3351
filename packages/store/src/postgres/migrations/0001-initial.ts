/**
 * Migration 0001: the initial schema, the same tables and indexes as SQLite's 0001.
 *
 * In: an empty schema (the connection's search_path). Out: the tables of the StorePort records.
 * Times are `bigint` epoch ms; JSON values are `jsonb` (NULL when absent). Column names are the
 * records' fields in snake_case, except `idx` for a step's `index`.
 *
 * Step keys use the "C" collation: the port orders steps by key, and byte order is what SQLite and
 * JavaScript use; the primary key and steps_scope then serve those orderings directly. The claim
 * queue is a partial index over claimable rows ordered like `claimDue` reads them, leases a partial
 * index over running rows; `wait_event` is derived from `wait` by PostgreSQL itself so no write
 * path can forget it.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `create table workflows (
    id text primary key,
    name text not null unique,
    created_at bigint not null
  )`,
  `create table workflow_versions (
    workflow_id text not null references workflows (id) on delete cascade,
    version integer not null,
    document jsonb not null,
    hash text not null,
    created_at bigint not null,
    primary key (workflow_id, version)
  )`,
  `create table runs (
    id text primary key,
    workflow_id text not null,
    workflow_name text not null,
    version integer not null,
    status text not null,
    phase text not null default 'main',
    inputs jsonb,
    trigger jsonb,
    parent_run_id text,
    parent_step_key text,
    outputs jsonb,
    error jsonb,
    created_at bigint not null,
    started_at bigint,
    finished_at bigint,
    updated_at bigint not null,
    seq integer not null default 0
  )`,
  'create index runs_status on runs (status)',
  'create index runs_workflow_name on runs (workflow_name)',
  'create index runs_parent_run_id on runs (parent_run_id)',
  'create index runs_created_at on runs (created_at)',
  // Deferred: a unit may insert a run's steps before the run itself.
  `create table steps (
    run_id text not null references runs (id) on delete cascade deferrable initially deferred,
    key text collate "C" not null,
    step_id text not null,
    scope text not null,
    kind text not null,
    idx integer not null,
    status text not null,
    due_at bigint,
    item jsonb,
    target text,
    created_at bigint not null,
    attempt integer not null default 0,
    lease_owner text,
    lease_token text,
    lease_expires_at bigint,
    input jsonb,
    output jsonb,
    error jsonb,
    wait jsonb,
    resume jsonb,
    item_count integer,
    started_at bigint,
    finished_at bigint,
    completed_seq integer,
    updated_at bigint not null,
    wait_event text generated always as
      (case when wait ->> 'kind' = 'event' then wait ->> 'name' end) stored,
    primary key (run_id, key)
  )`,
  `create index steps_claimable on steps (due_at, created_at)
    where status in ('ready', 'retrying', 'waiting')`,
  `create index steps_leased on steps (lease_expires_at) where status = 'running'`,
  'create index steps_scope on steps (run_id, scope, idx, key)',
  'create index steps_wait_event on steps (wait_event) where wait_event is not null',
  `create table run_events (
    id bigserial primary key,
    run_id text not null references runs (id) on delete cascade deferrable initially deferred,
    type text not null,
    step_key text,
    data jsonb,
    at bigint not null
  )`,
  'create index run_events_run on run_events (run_id, id)',
  `create table cache_entries (
    key text primary key,
    value jsonb,
    expires_at bigint not null
  )`,
  `create table cache_stats (
    node_type text primary key,
    hits bigint not null default 0,
    misses bigint not null default 0
  )`,
  `create table workers (
    id text primary key,
    host text not null,
    pid integer not null,
    version text not null,
    started_at bigint not null,
    heartbeat_at bigint not null
  )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
