/**
 * Workflows and their versions. A name gets a workflow id (a UUID made here) the first time it is
 * stored, or again after its workflow was deleted; each new document becomes version max + 1,
 * unless the newest version has the same hash. By name only live workflows are found; by id deleted
 * ones too (runs in flight still need their versions). Names are looked up in one workspace (default
 * `default`); an id in any, unless a workspace is given (then another workspace's id is not found).
 * In: name, document, its source text or null, hash[, expected newest version]. Out: WorkflowVersionRecord.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_WORKSPACE_ID, type WorkflowVersionRecord } from '@atom/engine';
import type { SqlExecutor } from '../shared/sql-executor.js';
import { addVersionQuery, checkExpectedVersion, repeatsNewest, VERSION_COLUMNS } from '../shared/workflow-versions.js';
import { decodeJson } from './json-column.js';
import { SQLITE_DIALECT } from './sqlite-dialect.js';

const NEWEST_BY_NAME = `select ${VERSION_COLUMNS}
  from workflows w left join workflow_versions v on v.workflow_id = w.id
  where w.name = ? and w.workspace_id = ? and w.deleted_at is null order by v.version desc limit 1`;
const INSERT_WORKFLOW = `insert into workflows (id, workspace_id, name, created_at, updated_at, changed_at)
  values (?, ?, ?, ?, ?, ?)`;
// Parameters: id, workspace or null, the same, name, workspace, version or null, the same, id.
const MATCH = `((w.id = ? and (? is null or w.workspace_id = ?))
    or (w.name = ? and w.workspace_id = ? and w.deleted_at is null)) and (? is null or v.version = ?)
  order by w.id = ? desc, v.version desc limit 1`;
const SELECT_VERSION = `select ${VERSION_COLUMNS}
  from workflows w join workflow_versions v on v.workflow_id = w.id where ${MATCH}`;
const FIND_VERSION = `select w.id as "workflowId", v.version
  from workflows w join workflow_versions v on v.workflow_id = w.id where ${MATCH}`;

function matchParams(idOrName: string, version: number | undefined, workspaceId: string | undefined): unknown[] {
  const ws = workspaceId ?? null;
  const v = version ?? null;
  return [idOrName, ws, ws, idOrName, workspaceId ?? DEFAULT_WORKSPACE_ID, v, v, idOrName];
}
const DOCUMENT: readonly string[] = ['document'];

const addVersion = addVersionQuery(SQLITE_DIALECT);

/**
 * Must run inside a write unit (reads the newest version, then writes). With `expectedVersion`,
 * writes nothing and throws ATOM_ERR_WORKFLOW_VERSION_CONFLICT unless the newest version is that one.
 */
export async function putWorkflowVersion(
  exec: SqlExecutor,
  name: string,
  document: unknown,
  source: string | null,
  hash: string,
  now: number,
  expectedVersion: number | undefined,
  workspaceId: string,
): Promise<WorkflowVersionRecord & { created: boolean }> {
  // A workflow without versions yet comes back with `version` null (left join).
  const [newest] = await exec.all<WorkflowVersionRecord | { workflowId: string; version: null }>(NEWEST_BY_NAME, [
    name,
    workspaceId,
  ]);
  checkExpectedVersion(name, newest?.version ?? 0, expectedVersion);
  let workflowId: string;
  if (newest === undefined) {
    workflowId = randomUUID();
    await exec.run(INSERT_WORKFLOW, [workflowId, workspaceId, name, now, now, now]);
  } else {
    workflowId = newest.workflowId;
    if (newest.version !== null && repeatsNewest(newest, hash, source)) {
      return { ...decodeJson<WorkflowVersionRecord>(newest, DOCUMENT), created: false };
    }
  }
  return addVersion(exec, workflowId, workspaceId, name, newest?.version ?? 0, document, source, hash, now);
}

export async function getWorkflowVersion(
  exec: SqlExecutor,
  idOrName: string,
  version?: number,
  workspaceId?: string,
): Promise<WorkflowVersionRecord | undefined> {
  const [row] = await exec.all<object>(SELECT_VERSION, matchParams(idOrName, version, workspaceId));
  return row === undefined ? undefined : decodeJson<WorkflowVersionRecord>(row, DOCUMENT);
}

/** getWorkflowVersion's choice, without reading the document. */
export async function findWorkflowVersion(
  exec: SqlExecutor,
  idOrName: string,
  version?: number,
  workspaceId?: string,
): Promise<{ workflowId: string; version: number } | undefined> {
  const [row] = await exec.all<{ workflowId: string; version: number }>(
    FIND_VERSION,
    matchParams(idOrName, version, workspaceId),
  );
  return row;
}
