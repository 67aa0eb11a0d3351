/**
 * What both adapters do once they know a workflow's id and newest version: add the next version.
 * How they find (or create) the workflow differs: SQLite's write unit already excludes other
 * writers, PostgreSQL locks the name row first (see each adapter's workflow-queries.ts).
 * In: a SqlDialect, then the workflow, the newest version number (0 for none), the document.
 * Out: the new WorkflowVersionRecord.
 */
import type { WorkflowVersionRecord } from '@atom/engine';
import { paramList, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

/** A version joined with its workflow (`workflows w join workflow_versions v`), as record fields. */
export const VERSION_COLUMNS =
  'w.id as "workflowId", w.name, v.version, v.document, v.hash, v.created_at as "createdAt"';

/** `addVersion(exec, workflowId, name, newest, document, hash, now)`, its INSERT written once for `d`. */
export function addVersionQuery(d: SqlDialect) {
  const INSERT_VERSION = `insert into workflow_versions (workflow_id, version, document, hash, created_at) values ${paramList(d, 5)}`;
  return async (
    exec: SqlExecutor,
    workflowId: string,
    name: string,
    newest: number,
    document: unknown,
    hash: string,
    now: number,
  ): Promise<WorkflowVersionRecord & { created: true }> => {
    const version = newest + 1;
    const text = JSON.stringify(document ?? null);
    await exec.run(INSERT_VERSION, [workflowId, version, text, hash, now]);
    return { workflowId, name, version, document: JSON.parse(text), hash, createdAt: now, created: true };
  };
}
