/**
 * Migration 0005: the audit log, one hash chain per workspace (see apps/server/src/audit). The
 * primary key (workspace_id, seq) is what lets only one writer take each position in the chain.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `create table audit_log (
    workspace_id text not null,
    seq integer not null,
    at integer not null,
    actor text not null,
    action text not null,
    target text not null,
    source text not null,
    data text,
    prev_hash text not null,
    hash text not null,
    primary key (workspace_id, seq)
  )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
