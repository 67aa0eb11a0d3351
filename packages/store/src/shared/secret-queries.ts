/**
 * Workspace secrets (sealed) and variables (SecretStore) for either adapter. Upserts report
 * whether they created the row by reading it first inside one statement's atomicity: the insert
 * does nothing on conflict, and only then is the row updated.
 *
 * In: a SqlDialect, then names and values. Out: SecretSummary / SealedSecret / VariableRecord.
 */
import type { SealedSecret, SecretSummary, VariableRecord } from '../control/secret-store.js';
import { paramList, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

const SUMMARY = 'workspace_id as "workspaceId", name, created_at as "createdAt", updated_at as "updatedAt"';

const numbers = <T extends { createdAt?: number; updatedAt: number }>(row: T): T => ({
  ...row,
  ...(row.createdAt === undefined ? {} : { createdAt: Number(row.createdAt) }),
  updatedAt: Number(row.updatedAt),
});

export function secretQueries(d: SqlDialect) {
  const p = d.param;
  const INSERT_SECRET = `insert into secrets (workspace_id, name, sealed, created_at, updated_at) values ${paramList(d, 5)}
  on conflict (workspace_id, name) do nothing`;
  const UPDATE_SECRET = `update secrets set sealed = ${p(1)}, updated_at = ${p(2)} where workspace_id = ${p(3)} and name = ${p(4)}`;
  const LIST_SECRETS = `select ${SUMMARY} from secrets where workspace_id = ${p(1)} order by name`;
  const SEALED = `select ${SUMMARY}, sealed from secrets where workspace_id = ${p(1)} order by name`;
  const ALL_SEALED = `select ${SUMMARY}, sealed from secrets order by workspace_id, name`;
  const RESEAL = `update secrets set sealed = ${p(1)} where workspace_id = ${p(2)} and name = ${p(3)} and sealed = ${p(4)}`;
  const DELETE_SECRET = `delete from secrets where workspace_id = ${p(1)} and name = ${p(2)}`;
  const INSERT_VAR = `insert into variables (workspace_id, name, value, updated_at) values ${paramList(d, 4)}
  on conflict (workspace_id, name) do nothing`;
  const UPDATE_VAR = `update variables set value = ${p(1)}, updated_at = ${p(2)} where workspace_id = ${p(3)} and name = ${p(4)}`;
  const LIST_VARS = `select workspace_id as "workspaceId", name, value, updated_at as "updatedAt" from variables
  where workspace_id = ${p(1)} order by name`;
  const DELETE_VAR = `delete from variables where workspace_id = ${p(1)} and name = ${p(2)}`;

  return {
    async putSecret(exec: SqlExecutor, s: { workspaceId: string; name: string; sealed: string; now: number }) {
      if ((await exec.run(INSERT_SECRET, [s.workspaceId, s.name, s.sealed, s.now, s.now])) > 0) return true;
      await exec.run(UPDATE_SECRET, [s.sealed, s.now, s.workspaceId, s.name]);
      return false;
    },
    async listSecrets(exec: SqlExecutor, workspaceId: string): Promise<SecretSummary[]> {
      return (await exec.all<SecretSummary>(LIST_SECRETS, [workspaceId])).map(numbers);
    },
    async sealedSecrets(exec: SqlExecutor, workspaceId: string): Promise<SealedSecret[]> {
      return (await exec.all<SealedSecret>(SEALED, [workspaceId])).map(numbers);
    },
    async allSealedSecrets(exec: SqlExecutor): Promise<SealedSecret[]> {
      return (await exec.all<SealedSecret>(ALL_SEALED)).map(numbers);
    },
    async resealSecret(exec: SqlExecutor, workspaceId: string, name: string, expected: string, sealed: string) {
      return (await exec.run(RESEAL, [sealed, workspaceId, name, expected])) > 0;
    },
    async deleteSecret(exec: SqlExecutor, workspaceId: string, name: string) {
      return (await exec.run(DELETE_SECRET, [workspaceId, name])) > 0;
    },
    async putVariable(exec: SqlExecutor, v: VariableRecord) {
      if ((await exec.run(INSERT_VAR, [v.workspaceId, v.name, v.value, v.updatedAt])) > 0) return true;
      await exec.run(UPDATE_VAR, [v.value, v.updatedAt, v.workspaceId, v.name]);
      return false;
    },
    async listVariables(exec: SqlExecutor, workspaceId: string): Promise<VariableRecord[]> {
      return (await exec.all<VariableRecord>(LIST_VARS, [workspaceId])).map(numbers);
    },
    async deleteVariable(exec: SqlExecutor, workspaceId: string, name: string) {
      return (await exec.run(DELETE_VAR, [workspaceId, name])) > 0;
    },
  };
}
