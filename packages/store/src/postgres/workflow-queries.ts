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
import { POSTGRES_DIALECT } from './postgres-dialect.js';

/**
 * Creates the workflow row if no live workflow has the name, and in any case locks it until the
 * unit ends: a second process storing the same name waits here, then sees the version this one
 * adds (so of two writers expecting the same version, the second gets the conflict). The no-op
 * DO UPDATE is what takes the lock and returns the existing row; the conflict target is the partial
 * index on live names, so a deleted workflow's name is taken anew.
 */
const CLAIM_NAME = `insert into workflows (id, workspace_id, name, created_at, updated_at, changed_at)
  values ($1, $4, $2, $3, $3, $3)
  on conflict (workspace_id, name) where deleted_at is null do update set name = excluded.name returning id`;
const NEWEST = `select ${VERSION_COLUMNS} from workflows w join workflow_versions v on v.workflow_id = w.id
  where w.id = $1 order by v.version desc limit 1`;
// An exact id wins over a workflow whose name happens to equal it.
// Parameters: id or name, version or null, workspace or null, the workspace of names.
const MATCH = `((w.id = $1 and ($3::text is null or w.workspace_id = $3))
    or (w.name = $1 and w.workspace_id = $4 and w.deleted_at is null)) and ($2::integer is null or v.version = $2)
  order by w.id = $1 desc, v.version desc limit 1`;
const SELECT_VERSION = `select ${VERSION_COLUMNS} from workflows w join workflow_versions v on v.workflow_id = w.id
  where ${MATCH}`;
const FIND_VERSION = `select w.id as "workflowId", v.version from workflows w join workflow_versions v on v.workflow_id = w.id
  where ${MATCH}`;

function matchParams(idOrName: string, version: number | undefined, workspaceId: string | undefined): unknown[] {
  return [idOrName, version ?? null, workspaceId ?? null, workspaceId ?? DEFAULT_WORKSPACE_ID];
}

const addVersion = addVersionQuery(POSTGRES_DIALECT);

/**
 * Must run inside a unit (locks the name, reads the newest version, then writes). With
 * `expectedVersion`, throws ATOM_ERR_WORKFLOW_VERSION_CONFLICT unless the newest version is that
 * one; the unit then rolls back, new workflow row included.
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
  const [claimed] = await exec.all<{ id: string }>(CLAIM_NAME, [randomUUID(), name, now, workspaceId]);
  const workflowId = (claimed as { id: string }).id;
  const [newest] = await exec.all<WorkflowVersionRecord>(NEWEST, [workflowId]);
  checkExpectedVersion(name, newest?.version ?? 0, expectedVersion);
  if (newest !== undefined && repeatsNewest(newest, hash, source)) return { ...newest, created: false };
  return addVersion(exec, workflowId, workspaceId, name, newest?.version ?? 0, document, source, hash, now);
}

export async function getWorkflowVersion(
  exec: SqlExecutor,
  idOrName: string,
  version?: number,
  workspaceId?: string,
): Promise<WorkflowVersionRecord | undefined> {
  const [row] = await exec.all<WorkflowVersionRecord>(SELECT_VERSION, matchParams(idOrName, version, workspaceId));
  return row;
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
