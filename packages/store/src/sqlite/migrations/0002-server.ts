/**
 * Migration 0002: what the server needs besides the engine's records.
 *
 * - Workflows become a catalogue: soft delete (`deleted_at`), `triggers_enabled`, and the newest
 *   version's number, description, time and search text on the row (see shared/catalogue-text.ts).
 *   Names are unique among workflows that are not deleted only. 0001 declared `name … unique`
 *   inline, an index SQLite cannot drop, so the table is rebuilt. `workflow_versions` is rebuilt with
 *   it: its foreign key names `workflows`, and dropping the old table with foreign keys on (they
 *   cannot be switched off inside the migration's transaction) would cascade into the versions.
 *   The new child references the new parent, and renaming the parent updates that reference.
 * - Runs get `dedupe_key` (unique per workflow when set) and `trigger_kind`, derived from
 *   `trigger ->> 'kind'` by SQLite itself, and listing indexes in listRuns' order
 *   (`created_at desc, id desc`, read backwards), alone or after each equality filter.
 * - Users (email unique case-insensitively through `email_key`, lower-cased by the store), API
 *   tokens (found by the hash of the token), and the last fire time handled per schedule trigger.
 */
import { type Kysely, sql } from 'kysely';
import { describeDocument, searchText } from '../../shared/catalogue-text.js';

const STATEMENTS = [
  `create table workflows_next (
    id text primary key,
    name text not null,
    created_at integer not null,
    version integer not null default 0,
    description text,
    search_text text not null default '',
    updated_at integer not null,
    changed_at integer not null,
    triggers_enabled integer not null default 1,
    deleted_at integer
  )`,
  `insert into workflows_next (id, name, created_at, updated_at, changed_at)
    select id, name, created_at, created_at, created_at from workflows`,
  `create table workflow_versions_next (
    workflow_id text not null references workflows_next (id) on delete cascade,
    version integer not null,
    document text not null,
    hash text not null,
    created_at integer not null,
    primary key (workflow_id, version)
  )`,
  `insert into workflow_versions_next (workflow_id, version, document, hash, created_at)
    select workflow_id, version, document, hash, created_at from workflow_versions`,
  'drop table workflow_versions',
  'drop table workflows',
  'alter table workflows_next rename to workflows',
  'alter table workflow_versions_next rename to workflow_versions',
  // Serves the uniqueness of live names and the catalogue listing (by name).
  'create unique index workflows_live_name on workflows (name) where deleted_at is null',

  'alter table runs add column dedupe_key text',
  "alter table runs add column trigger_kind text generated always as (trigger ->> '$.kind') virtual",
  'create unique index runs_dedupe on runs (workflow_id, dedupe_key) where dedupe_key is not null',
  'drop index runs_created_at',
  'create index runs_listing on runs (created_at, id)',
  'drop index runs_workflow_name',
  'create index runs_workflow_name_listing on runs (workflow_name, created_at, id)',
  'create index runs_workflow_listing on runs (workflow_id, created_at, id)',
  'create index runs_trigger_kind_listing on runs (trigger_kind, created_at, id)',

  `create table users (
    id text primary key,
    email text not null,
    email_key text not null unique,
    role text not null,
    password_hash text,
    created_at integer not null
  )`,
  `create table api_tokens (
    id text primary key,
    user_id text not null references users (id) on delete cascade,
    name text not null,
    token_hash text not null unique,
    created_at integer not null,
    expires_at integer,
    last_used_at integer,
    revoked_at integer
  )`,
  'create index api_tokens_user on api_tokens (user_id)',
  `create table schedule_marks (
    workflow_id text not null,
    trigger_key text not null,
    fire_at integer not null,
    primary key (workflow_id, trigger_key)
  )`,
];

interface NewestRow {
  id: string;
  name: string;
  version: number;
  document: string;
  created_at: number;
}

/** Copies each workflow's newest version onto its row (workflows always have one: 0001 wrote both in one unit). */
async function fillCatalogue(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<NewestRow>`select w.id, w.name, v.version, v.document, v.created_at
    from workflows w join workflow_versions v on v.workflow_id = w.id
    where v.version = (select max(version) from workflow_versions where workflow_id = w.id)`.execute(db);
  for (const row of rows) {
    const description = describeDocument(JSON.parse(row.document));
    await sql`update workflows set version = ${row.version}, description = ${description},
      search_text = ${searchText(row.name, description)}, updated_at = ${row.created_at}
      where id = ${row.id}`.execute(db);
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  await fillCatalogue(db);
}
