/**
 * Workflows and their versions. A name gets a workflow id (a UUID made here) the first time it is
 * stored; each new document becomes version max + 1, unless the newest version has the same hash.
 * In: name, document, hash. Out: WorkflowVersionRecord.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowVersionRecord } from '@atom/engine';
import type { SqlExecutor } from '../shared/sql-executor.js';
import { addVersionQuery, VERSION_COLUMNS } from '../shared/workflow-versions.js';
import { POSTGRES_DIALECT } from './postgres-dialect.js';

/**
 * Creates the workflow row if the name is new, and in any case locks it until the unit ends: a
 * second process storing the same name waits here, then sees the version this one adds. (The
 * no-op DO UPDATE is what takes the lock and returns the existing row.)
 */
const CLAIM_NAME = `insert into workflows (id, name, created_at) values ($1, $2, $3)
  on conflict (name) do update set name = excluded.name returning id`;
const NEWEST = `select ${VERSION_COLUMNS} from workflows w join workflow_versions v on v.workflow_id = w.id
  where w.id = $1 order by v.version desc limit 1`;
// An exact id wins over a workflow whose name happens to equal it.
const SELECT_VERSION = `select ${VERSION_COLUMNS} from workflows w join workflow_versions v on v.workflow_id = w.id
  where (w.id = $1 or w.name = $1) and ($2::integer is null or v.version = $2)
  order by w.id = $1 desc, v.version desc limit 1`;

const addVersion = addVersionQuery(POSTGRES_DIALECT);

/** Must run inside a unit (locks the name, reads the newest version, then writes). */
export async function putWorkflowVersion(
  exec: SqlExecutor,
  name: string,
  document: unknown,
  hash: string,
  now: number,
): Promise<WorkflowVersionRecord & { created: boolean }> {
  const [claimed] = await exec.all<{ id: string }>(CLAIM_NAME, [randomUUID(), name, now]);
  const workflowId = (claimed as { id: string }).id;
  const [newest] = await exec.all<WorkflowVersionRecord>(NEWEST, [workflowId]);
  if (newest !== undefined && newest.hash === hash) return { ...newest, created: false };
  return addVersion(exec, workflowId, name, newest?.version ?? 0, document, hash, now);
}

export async function getWorkflowVersion(
  exec: SqlExecutor,
  idOrName: string,
  version?: number,
): Promise<WorkflowVersionRecord | undefined> {
  const [row] = await exec.all<WorkflowVersionRecord>(SELECT_VERSION, [idOrName, version ?? null]);
  return row;
}
