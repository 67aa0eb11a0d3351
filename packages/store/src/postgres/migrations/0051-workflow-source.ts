/**
 * Migration 0051: the text a workflow version was written in (YAML as the user wrote it, comments
 * and all), beside the parsed document; null for versions sent as JSON documents and older rows.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw('alter table workflow_versions add column source text').execute(db);
}
