/**
 * Migration 0003: login sessions of the Studio (SessionStore). A session is found by the SHA-256 of
 * its cookie token; its user's sessions by user (to end them all at once).
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `create table sessions (
    id text primary key,
    user_id text not null references users (id) on delete cascade,
    token_hash text not null unique,
    created_at integer not null,
    last_seen_at integer not null,
    revoked_at integer,
    ip text,
    user_agent text
  )`,
  'create index sessions_user on sessions (user_id)',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
