/**
 * Migration 0024: the rate-limit counters of the API processes when no Redis is configured, one
 * GCRA value per key (apps/server/src/limits/rate-limit-sql.ts: the same DDL, and the statements
 * that use it). UNLOGGED: a crash empties it, which only hands out fresh bursts.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`create unlogged table rate_limits (
  key text primary key,
  tat_us bigint not null,
  admitted boolean not null
) with (fillfactor = 70)`)
    .execute(db);
}
