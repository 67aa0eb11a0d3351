/**
 * Migration 0023: each run's `priority` and its workflow's `concurrency` (`max_concurrent`, null
 * for none), read by the claim (shared/queue-order.ts), and an index that counts a workflow's runs
 * holding a slot.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw('alter table runs add column priority integer not null default 0').execute(db);
  await sql.raw('alter table runs add column max_concurrent integer').execute(db);
  await sql
    .raw("create index runs_workflow_active on runs (workflow_id) where status in ('running', 'waiting')")
    .execute(db);
}
