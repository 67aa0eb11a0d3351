/**
 * Migration 0025: the wake-up NOTIFY moves out of the transactions (ADR 0007). A NOTIFY inside a
 * transaction takes PostgreSQL's global notification lock at commit and holds it through the WAL
 * flush, so the triggers of migrations 0021 and 0023 serialised every commit that made steps ready;
 * the store now sends one `pg_notify` after such commits, coalesced (ready-listener.ts).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop trigger if exists steps_ready_notify on steps').execute(db);
  await sql.raw('drop trigger if exists runs_slot_notify on runs').execute(db);
  await sql.raw('drop function if exists atom_notify_steps_ready()').execute(db);
}
