/**
 * Migration 0021: a commit that makes steps claimable NOTIFYs `atom_steps_ready` (payload: the
 * schema), so idle workers of every process wake at once instead of polling (ADR 0007). A row
 * trigger: it fires for inserted ready steps, retries and timers (`due_at` set) and released
 * leases, whoever writes them; PostgreSQL folds the identical notices of one transaction into one
 * and delivers it at commit, never for a rolled-back unit. Claims (status `running`) notify nobody.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`create function atom_notify_steps_ready() returns trigger language plpgsql as $$
begin
  perform pg_notify('atom_steps_ready', tg_table_schema);
  return null;
end $$`)
    .execute(db);
  await sql
    .raw(`create trigger steps_ready_notify after insert or update of status, due_at on steps
  for each row when (new.status in ('ready', 'retrying', 'waiting') and new.due_at is not null)
  execute function atom_notify_steps_ready()`)
    .execute(db);
}
