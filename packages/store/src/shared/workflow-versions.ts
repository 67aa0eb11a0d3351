/**
 * What both adapters do once they know a workflow's id and newest version: check the caller's
 * expected version, and add the next version. How they find (or create) the live workflow of a name
 * differs: SQLite's write unit already excludes other writers, PostgreSQL locks the name row first
 * (see each adapter's workflow-queries.ts).
 * In: a SqlDialect, then the workflow, the newest version number (0 for none), the document and
 * the text it was parsed from (null for a JSON document).
 * Out: the new WorkflowVersionRecord; the workflow's row then describes it (catalogue-text.ts).
 */
import type { WorkflowVersionRecord } from '@atom/engine';
import { AtomError } from '@atom/errors';
import { describeDocument, searchText } from './catalogue-text.js';
import { paramList, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

/** A version joined with its workflow (`workflows w join workflow_versions v`), as record fields. */
export const VERSION_COLUMNS = `w.id as "workflowId", w.workspace_id as "workspaceId", w.name, v.version, v.document,
  v.source, v.hash, v.created_at as "createdAt"`;

/** Throws ATOM_ERR_WORKFLOW_VERSION_CONFLICT unless `newest` is what the caller expects (any, when undefined). */
export function checkExpectedVersion(name: string, newest: number, expected: number | undefined): void {
  if (expected === undefined || expected === newest) return;
  const found = newest === 0 ? 'no workflow has this name' : `its newest version is ${newest}`;
  throw new AtomError(
    'ATOM_ERR_WORKFLOW_VERSION_CONFLICT',
    `workflow ${name}: expected version ${expected === 0 ? 'none (a new workflow)' : expected}, but ${found}`,
  );
}

/**
 * Whether storing (`hash`, `source`) would repeat the newest version: the same document, and the
 * same text when a text is given. A JSON document equal to the newest one keeps that version's text;
 * a comment-only edit of the text is a new version.
 */
export function repeatsNewest(
  newest: { hash: string; source: string | null },
  hash: string,
  source: string | null,
): boolean {
  return newest.hash === hash && (source === null || newest.source === source);
}

/** `addVersion(exec, workflowId, workspaceId, name, newest, document, source, hash, now)`, its SQL written once for `d`. */
export function addVersionQuery(d: SqlDialect) {
  const INSERT_VERSION = `insert into workflow_versions (workflow_id, version, document, source, hash, created_at) values ${paramList(d, 6)}`;
  const p = d.param;
  const DESCRIBE = `update workflows set version = ${p(1)}, description = ${p(2)}, search_text = ${p(3)},
  updated_at = ${p(4)}, changed_at = ${p(5)} where id = ${p(6)}`;
  return async (
    exec: SqlExecutor,
    workflowId: string,
    workspaceId: string,
    name: string,
    newest: number,
    document: unknown,
    source: string | null,
    hash: string,
    now: number,
  ): Promise<WorkflowVersionRecord & { created: true }> => {
    const version = newest + 1;
    const text = JSON.stringify(document ?? null);
    const stored = JSON.parse(text) as unknown;
    const description = describeDocument(stored);
    await exec.run(INSERT_VERSION, [workflowId, version, text, source, hash, now]);
    await exec.run(DESCRIBE, [version, description, searchText(name, description), now, now, workflowId]);
    return { workflowId, workspaceId, name, version, document: stored, source, hash, createdAt: now, created: true };
  };
}
