/**
 * Workflows and their versions. A name gets a workflow id (a UUID made here) the first time it is
 * stored; each new document becomes version max + 1, unless the newest version has the same hash.
 * In: name, document, hash. Out: WorkflowVersionRecord.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowVersionRecord } from '@atom/engine';
import { fromJson } from './json-column.js';
import type { SqlExecutor } from './sql-executor.js';

const NEWEST_BY_NAME = `select w.id as workflow_id, w.name, v.version, v.document, v.hash, v.created_at
  from workflows w left join workflow_versions v on v.workflow_id = w.id
  where w.name = ? order by v.version desc limit 1`;
const INSERT_WORKFLOW = 'insert into workflows (id, name, created_at) values (?, ?, ?)';
const INSERT_VERSION =
  'insert into workflow_versions (workflow_id, version, document, hash, created_at) values (?, ?, ?, ?, ?)';
const SELECT_VERSION = `select w.id as workflow_id, w.name, v.version, v.document, v.hash, v.created_at
  from workflows w join workflow_versions v on v.workflow_id = w.id
  where (w.id = ? or w.name = ?) and (? is null or v.version = ?)
  order by w.id = ? desc, v.version desc limit 1`;

interface VersionRow {
  workflow_id: string;
  name: string;
  version: number;
  document: string;
  hash: string;
  created_at: number;
}

function toRecord(row: VersionRow): WorkflowVersionRecord {
  return {
    workflowId: row.workflow_id,
    name: row.name,
    version: row.version,
    document: fromJson(row.document),
    hash: row.hash,
    createdAt: row.created_at,
  };
}

/** Must run inside a write unit (reads the newest version, then writes). */
export async function putWorkflowVersion(
  exec: SqlExecutor,
  name: string,
  document: unknown,
  hash: string,
  now: number,
): Promise<WorkflowVersionRecord & { created: boolean }> {
  const [newest] = await exec.all<VersionRow | (Pick<VersionRow, 'workflow_id' | 'name'> & { version: null })>(
    NEWEST_BY_NAME,
    [name],
  );
  let workflowId: string;
  if (newest === undefined) {
    workflowId = randomUUID();
    await exec.run(INSERT_WORKFLOW, [workflowId, name, now]);
  } else {
    workflowId = newest.workflow_id;
    if (newest.version !== null && newest.hash === hash) return { ...toRecord(newest), created: false };
  }
  const version = (newest?.version ?? 0) + 1;
  const text = JSON.stringify(document ?? null);
  await exec.run(INSERT_VERSION, [workflowId, version, text, hash, now]);
  return { workflowId, name, version, document: JSON.parse(text), hash, createdAt: now, created: true };
}

export async function getWorkflowVersion(
  exec: SqlExecutor,
  idOrName: string,
  version?: number,
): Promise<WorkflowVersionRecord | undefined> {
  const [row] = await exec.all<VersionRow>(SELECT_VERSION, [
    idOrName,
    idOrName,
    version ?? null,
    version ?? null,
    idOrName,
  ]);
  return row === undefined ? undefined : toRecord(row);
}
