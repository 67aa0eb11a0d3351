/**
 * Migration 0054: `runs` had two identical indexes on `finished_at` (`runs_finished` from 0036 for
 * the dashboard, `runs_finished_at` from 0041 for the pruner); every run's end paid for both. The
 * pruner's reads use `runs_finished` as well.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop index if exists runs_finished_at').execute(db);
}
