/**
 * Migration 0052 for either database (they differ only in the types of numbers): the dashboard's
 * rollup of step-end events (ADR 0020).
 *
 * - `step_minutes`: per workspace, minute (epoch ms of its start) and node type, the step-end
 *   events rolled up so far: how many, how many failed, their total and largest duration, and a
 *   histogram of durations (shared/duration-histogram.ts, as text). Its key serves a workspace's
 *   window; `step_minutes_minute` the installation's.
 * - `step_rollup`: one row. Events with ids up to `rolled_to` are in step_minutes; `horizon`
 *   is the largest event id seen at `horizon_at`, rolled up once it has settled (PostgreSQL: no
 *   transaction that could still commit a smaller id is open any longer).
 *
 * Filled by the stats reads, never by the engine's writes (activity-rollup.ts).
 *
 * In: the integer type (`integer` in SQLite, `bigint` in PostgreSQL) and the float type (`real`,
 * `double precision`). Out: the migration's `up`.
 */
import { type Kysely, sql } from 'kysely';

export function stepMinutesMigration(int: 'integer' | 'bigint', float: 'real' | 'double precision') {
  const statements = [
    `create table step_minutes (
      workspace_id text not null,
      minute ${int} not null,
      node_type text not null,
      count ${int} not null,
      failed ${int} not null,
      sum_ms ${float} not null,
      max_ms ${float} not null,
      histogram text not null,
      primary key (workspace_id, minute, node_type)
    )`,
    'create index step_minutes_minute on step_minutes (minute)',
    `create table step_rollup (
      id integer primary key check (id = 1),
      rolled_to ${int} not null,
      horizon ${int} not null,
      horizon_at ${int} not null
    )`,
    'insert into step_rollup (id, rolled_to, horizon, horizon_at) values (1, 0, 0, 0)',
  ];
  return async function up(db: Kysely<unknown>): Promise<void> {
    for (const statement of statements) await sql.raw(statement).execute(db);
  };
}
