/**
 * Migration 0042: the claim reads due steps in claim order straight from an index (ADR 0017), so
 * its work is bounded by how many steps it takes, not by how many are due. Each step carries its
 * run's `priority` and a `fair_offset`: the n-th step one commit makes claimable in a run waits
 * n × FAIR_QUANTUM_MS of virtual time behind the first, so a burst (a foreach's items) interleaves
 * with the steps of other runs instead of running ahead of them.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      'alter table steps add column priority integer not null default 0, add column fair_offset integer not null default 0',
    )
    .execute(db);
  await sql
    .raw('update steps s set priority = r.priority from runs r where r.id = s.run_id and r.priority <> 0')
    .execute(db);
  await sql
    .raw(`create index steps_claim_order on steps (priority desc, (due_at + fair_offset))
    where status in ('ready', 'retrying', 'waiting')`)
    .execute(db);
}
