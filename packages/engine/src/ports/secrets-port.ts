/**
 * SecretsPort: workspace variables (`$vars`) and secrets (`$secrets`) of the workspace a run
 * belongs to (RunRecord.workspaceId). Secrets are handed only to the step whose expressions read them.
 */
export interface SecretsPort {
  vars(workspaceId: string): Promise<Record<string, string>>;
  secrets(workspaceId: string): Promise<Record<string, string>>;
}
