/**
 * The registry of worker processes and their heartbeats, for either adapter.
 * In: a SqlDialect, then WorkerRecord. Out: WorkerRecord[] ordered by start time.
 */
import type { WorkerRecord } from '@atom/engine';
import { paramList, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

/** The worker queries with their SQL written once for `d`. */
export function workerQueries(d: SqlDialect) {
  const REGISTER = `insert into workers (id, host, pid, version, started_at, heartbeat_at, concurrency, running)
  values ${paramList(d, 8)}
  on conflict (id) do update set host = excluded.host, pid = excluded.pid, version = excluded.version,
  started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, concurrency = excluded.concurrency,
  running = excluded.running`;
  const REMOVE = `delete from workers where id = ${d.param(1)}`;
  const LIST = `select id, host, pid, version, started_at as "startedAt", heartbeat_at as "heartbeatAt",
  concurrency, running from workers order by started_at, id`;

  return {
    async registerWorker(exec: SqlExecutor, w: WorkerRecord): Promise<void> {
      await exec.run(REGISTER, [w.id, w.host, w.pid, w.version, w.startedAt, w.heartbeatAt, w.concurrency, w.running]);
    },
    async removeWorker(exec: SqlExecutor, id: string): Promise<void> {
      await exec.run(REMOVE, [id]);
    },
    async listWorkers(exec: SqlExecutor): Promise<WorkerRecord[]> {
      return exec.all<WorkerRecord>(LIST);
    },
  };
}
