/**
 * SettingsStore: per-workspace settings that change at run time — today the tier and its
 * per-workspace overrides (read by the API's rate limiting within seconds, no restart).
 *
 * In/out: WorkspaceSettings. An override of `null` means unlimited.
 */
export interface WorkspaceSettings {
  workspaceId: string;
  tier: string;
  overrides: Record<string, number | null>;
  updatedAt: number;
}

export interface SettingsStore {
  getWorkspaceSettings(workspaceId: string): Promise<WorkspaceSettings | undefined>;
  putWorkspaceSettings(settings: WorkspaceSettings): Promise<void>;
}
