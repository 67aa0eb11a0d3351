/**
 * The registry of worker processes and their heartbeats.
 * In: WorkerRecord. Out: WorkerRecord[] ordered by start time.
 */
import type { WorkerRecord } from '@atom/engine';
import type { SqlExecutor } from './sql-executor.js';

const REGISTER = `insert into workers (id, host, pid, version, started_at, heartbeat_at) values ($1, $2, $3, $4, $5, $6)
  on conflict (id) do update set host = excluded.host, pid = excluded.pid, version = excluded.version,
  started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`;
const HEARTBEAT = 'update workers set heartbeat_at = $1 where id = $2';
const REMOVE = 'delete from workers where id = $1';
const LIST = `select id, host, pid, version, started_at as "startedAt", heartbeat_at as "heartbeatAt"
  from workers order by started_at, id`;

export async function registerWorker(exec: SqlExecutor, w: WorkerRecord): Promise<void> {
  await exec.run(REGISTER, [w.id, w.host, w.pid, w.version, w.startedAt, w.heartbeatAt]);
}

export async function heartbeatWorker(exec: SqlExecutor, id: string, now: number): Promise<void> {
  await exec.run(HEARTBEAT, [now, id]);
}

export async function removeWorker(exec: SqlExecutor, id: string): Promise<void> {
  await exec.run(REMOVE, [id]);
}

export async function listWorkers(exec: SqlExecutor): Promise<WorkerRecord[]> {
  return exec.all<WorkerRecord>(LIST);
}
