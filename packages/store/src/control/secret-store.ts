/**
 * SecretStore: workspace secrets, sealed (AES-256-GCM, see apps/server/src/secrets) before they
 * reach the store, and workspace variables in plain text. The store never sees a secret's value.
 *
 * In: names, sealed values, times (epoch ms). Out: the same; listings of secrets carry no value.
 */
export interface SecretSummary {
  workspaceId: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

export interface SealedSecret extends SecretSummary {
  sealed: string;
}

export interface VariableRecord {
  workspaceId: string;
  name: string;
  value: string;
  updatedAt: number;
}

export interface SecretStore {
  /** Creates or replaces; true when it was created. */
  putSecret(secret: { workspaceId: string; name: string; sealed: string; now: number }): Promise<boolean>;
  listSecrets(workspaceId: string): Promise<SecretSummary[]>;
  /** Every sealed secret of the workspace (to resolve `$secrets`). */
  sealedSecrets(workspaceId: string): Promise<SealedSecret[]>;
  /** Every sealed secret of every workspace, for key rotation. */
  allSealedSecrets(): Promise<SealedSecret[]>;
  /** Replaces the sealed value only if it is still `expected` (rotation racing a user's update). */
  resealSecret(workspaceId: string, name: string, expected: string, sealed: string): Promise<boolean>;
  deleteSecret(workspaceId: string, name: string): Promise<boolean>;

  putVariable(variable: VariableRecord): Promise<boolean>;
  listVariables(workspaceId: string): Promise<VariableRecord[]>;
  deleteVariable(workspaceId: string, name: string): Promise<boolean>;
}
