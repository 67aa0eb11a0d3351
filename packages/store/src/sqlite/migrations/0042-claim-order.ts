/**
 * Migration 0042: the claim reads due steps in claim order straight from an index (ADR 0017), so
 * its work is bounded by how many steps it takes, not by how many are due. Each step carries its
 * run's `priority` and a `fair_offset` (see shared/queue-order.ts).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw('alter table steps add column priority integer not null default 0').execute(db);
  await sql.raw('alter table steps add column fair_offset integer not null default 0').execute(db);
  await sql
    .raw(`update steps set priority = (select r.priority from runs r where r.id = steps.run_id)
    where run_id in (select id from runs where priority <> 0)`)
    .execute(db);
  await sql
    .raw(`create index steps_claim_order on steps (priority desc, due_at + fair_offset)
    where status in ('ready', 'retrying', 'waiting')`)
    .execute(db);
}
