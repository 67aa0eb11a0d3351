/**
 * Migration 0053: per workspace, the feed position (`<tx>:<id>`) of the last event retention
 * pruning deleted. A stream client resuming after an earlier event is told that events it asked
 * for are gone (ADR 0022) rather than being resumed over the hole.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw('create table event_feed_pruned (workspace_id text primary key, through text not null)').execute(db);
}
