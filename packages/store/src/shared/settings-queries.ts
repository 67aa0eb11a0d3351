/**
 * Workspace settings (SettingsStore) for either adapter: one row per workspace, upserted.
 *
 * In: a SqlDialect, then WorkspaceSettings. Out: the same.
 */
import type { WorkspaceSettings } from '../control/settings-store.js';
import { toJson } from './json-text.js';
import { paramList, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

export function settingsQueries(d: SqlDialect) {
  const GET = `select workspace_id as "workspaceId", tier, overrides, updated_at as "updatedAt"
  from workspace_settings where workspace_id = ${d.param(1)}`;
  const PUT = `insert into workspace_settings (workspace_id, tier, overrides, updated_at) values ${paramList(d, 4)}
  on conflict (workspace_id) do update set tier = excluded.tier, overrides = excluded.overrides,
  updated_at = excluded.updated_at`;
  return {
    async getWorkspaceSettings(exec: SqlExecutor, workspaceId: string): Promise<WorkspaceSettings | undefined> {
      const [row] = d.decodeRows<WorkspaceSettings>(await exec.all<object>(GET, [workspaceId]), ['overrides']);
      return row === undefined
        ? undefined
        : { ...row, overrides: row.overrides ?? {}, updatedAt: Number(row.updatedAt) };
    },
    async putWorkspaceSettings(exec: SqlExecutor, s: WorkspaceSettings): Promise<void> {
      await exec.run(PUT, [s.workspaceId, s.tier, toJson(s.overrides), s.updatedAt]);
    },
  };
}
