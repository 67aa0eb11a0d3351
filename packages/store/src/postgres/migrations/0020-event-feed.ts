/**
 * Migration 0020: the event feed's order (ADR 0009). `pos_tx` is the writing transaction's id (or
 * the run's previous event's, when larger); rows written before this migration all count as
 * position 0, in id order, which is final since they committed. The index serves the feed's reads.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`alter table run_events add column pos_tx xid8 not null default '0'`).execute(db);
  await sql.raw('alter table run_events alter column pos_tx set default pg_current_xact_id()').execute(db);
  await sql.raw('create index run_events_feed on run_events (pos_tx, id)').execute(db);
}
