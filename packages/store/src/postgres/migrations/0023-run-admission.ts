/**
 * Migration 0023: each run's `priority` and its workflow's `concurrency` (`max_concurrent`, null
 * for none), read by the claim (shared/queue-order.ts); an index that counts a workflow's runs
 * holding a slot; and a NOTIFY when such a run ends, so the workers admit the next queued run at once.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw('alter table runs add column priority integer not null default 0, add column max_concurrent integer')
    .execute(db);
  await sql
    .raw("create index runs_workflow_active on runs (workflow_id) where status in ('running', 'waiting')")
    .execute(db);
  await sql
    .raw(`create trigger runs_slot_notify after update of status on runs
  for each row when (new.max_concurrent is not null and old.status in ('running', 'waiting')
    and new.status in ('succeeded', 'failed', 'cancelled'))
  execute function atom_notify_steps_ready()`)
    .execute(db);
}
