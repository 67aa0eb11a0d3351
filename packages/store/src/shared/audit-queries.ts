/**
 * The audit log (AuditStore) for either adapter. Rows are inserted with `on conflict do nothing`
 * on (workspace_id, seq): a writer that lost the race learns it from the count, without an error
 * aborting anything.
 *
 * In: a SqlDialect, then AuditRow. Out: AuditRow (JSON columns parsed, times as numbers).
 */
import type { AuditRow } from '../control/audit-store.js';
import { toJson } from './json-text.js';
import { paramList, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

const COLUMNS = `workspace_id as "workspaceId", seq, at, actor, action, target, source, data,
  prev_hash as "prevHash", hash`;
const JSON_FIELDS = ['actor', 'target', 'source', 'data'] as const;

export function auditQueries(d: SqlDialect) {
  const p = d.param;
  const HEAD = `select seq, hash from audit_log where workspace_id = ${p(1)} order by seq desc limit 1`;
  const APPEND = `insert into audit_log (workspace_id, seq, at, actor, action, target, source, data, prev_hash, hash)
  values ${paramList(d, 10)} on conflict (workspace_id, seq) do nothing`;
  const LIST = `select ${COLUMNS} from audit_log where workspace_id = ${p(1)} and seq > ${p(2)} order by seq limit ${p(3)}`;

  return {
    async auditHead(exec: SqlExecutor, workspaceId: string) {
      const [row] = await exec.all<{ seq: number | string; hash: string }>(HEAD, [workspaceId]);
      return row === undefined ? undefined : { seq: Number(row.seq), hash: row.hash };
    },
    async appendAudit(exec: SqlExecutor, row: AuditRow): Promise<boolean> {
      const params = [
        row.workspaceId,
        row.seq,
        row.at,
        toJson(row.actor),
        row.action,
        toJson(row.target),
        toJson(row.source),
        toJson(row.data),
        row.prevHash,
        row.hash,
      ];
      return (await exec.run(APPEND, params)) > 0;
    },
    async listAudit(exec: SqlExecutor, workspaceId: string, afterSeq: number, limit: number): Promise<AuditRow[]> {
      const rows = d.decodeRows<AuditRow>(await exec.all<object>(LIST, [workspaceId, afterSeq, limit]), JSON_FIELDS);
      for (const row of rows) {
        row.seq = Number(row.seq);
        row.at = Number(row.at);
      }
      return rows;
    },
  };
}
