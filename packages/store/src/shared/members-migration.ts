/**
 * Migration 0007 for either database (they differ only in the type of epoch-millisecond columns):
 * an API token may carry a role narrower than its user's, and invitations — single-use links,
 * found by the SHA-256 of their token — bring new members in.
 *
 * In: the time column type (`integer` in SQLite, `bigint` in PostgreSQL). Out: the migration's `up`.
 */
import { type Kysely, sql } from 'kysely';

export function membersMigration(time: 'integer' | 'bigint') {
  const statements = [
    'alter table api_tokens add column role text',
    `create table invitations (
      id text primary key,
      email text not null,
      email_key text not null,
      role text not null,
      token_hash text not null unique,
      invited_by text,
      created_at ${time} not null,
      expires_at ${time} not null,
      accepted_at ${time},
      revoked_at ${time}
    )`,
    'create index invitations_email on invitations (email_key)',
  ];
  return async function up(db: Kysely<unknown>): Promise<void> {
    for (const statement of statements) await sql.raw(statement).execute(db);
  };
}
