/**
 * The SecretsPort of a running Atom: `$secrets` and `$vars` of the workspace, read from the store
 * (secrets opened with the keyring) over the values given by the environment (`ATOM_SECRET_*`,
 * `ATOM_VAR_*`, which a stored value of the same name overrides). The engine asks for them at
 * every step, so the opened values are kept for `ttlMs` (2 s) and dropped at once when this
 * process changes one; another process's change is seen within `ttlMs`.
 *
 * It also knows every secret value it has handed out, so the logger can scrub them from every line.
 */
import type { SecretsPort } from '@atom/engine';
import type { SecretStore } from '@atom/store';
import type { Keyring } from './keyring.js';

/** Until workspaces arrive (security issue), everything lives in this one. */
export const DEFAULT_WORKSPACE = 'default';

export function secretContext(workspaceId: string, name: string): string {
  return `workspace:${workspaceId}/secret:${name}`;
}

interface Snapshot {
  secrets: Record<string, string>;
  vars: Record<string, string>;
  at: number;
}

export interface WorkspaceSecretsOptions {
  store: SecretStore;
  keyring: Keyring;
  /** Values from the environment, overridden by stored ones of the same name. */
  envSecrets?: Record<string, string>;
  envVars?: Record<string, string>;
  ttlMs?: number;
  workspaceId?: string;
}

export class WorkspaceSecrets implements SecretsPort {
  readonly workspaceId: string;
  readonly #store: SecretStore;
  readonly #keyring: Keyring;
  readonly #envSecrets: Record<string, string>;
  readonly #envVars: Record<string, string>;
  readonly #ttlMs: number;
  #snapshot: Snapshot | null = null;
  #loading: Promise<Snapshot> | null = null;
  /** Every secret value seen, for log scrubbing (values removed later still must not leak). */
  readonly #known = new Set<string>();

  constructor(options: WorkspaceSecretsOptions) {
    this.#store = options.store;
    this.#keyring = options.keyring;
    this.#envSecrets = options.envSecrets ?? {};
    this.#envVars = options.envVars ?? {};
    this.#ttlMs = options.ttlMs ?? 2_000;
    this.workspaceId = options.workspaceId ?? DEFAULT_WORKSPACE;
    for (const value of Object.values(this.#envSecrets)) this.#known.add(value);
  }

  async secrets(): Promise<Record<string, string>> {
    return (await this.#current()).secrets;
  }

  async vars(): Promise<Record<string, string>> {
    return (await this.#current()).vars;
  }

  /** Every secret value this process has seen (for the logger; never sent anywhere). */
  knownValues(): readonly string[] {
    return [...this.#known];
  }

  /** Seals and stores a secret; true when it was new. The value never reaches the store in clear. */
  async setSecret(name: string, value: string, now: number): Promise<boolean> {
    const sealed = this.#keyring.seal(value, secretContext(this.workspaceId, name));
    this.#known.add(value);
    const created = await this.#store.putSecret({ workspaceId: this.workspaceId, name, sealed, now });
    this.#snapshot = null;
    return created;
  }

  async deleteSecret(name: string): Promise<boolean> {
    const deleted = await this.#store.deleteSecret(this.workspaceId, name);
    this.#snapshot = null;
    return deleted;
  }

  async setVariable(name: string, value: string, now: number): Promise<boolean> {
    const created = await this.#store.putVariable({ workspaceId: this.workspaceId, name, value, updatedAt: now });
    this.#snapshot = null;
    return created;
  }

  async deleteVariable(name: string): Promise<boolean> {
    const deleted = await this.#store.deleteVariable(this.workspaceId, name);
    this.#snapshot = null;
    return deleted;
  }

  async #current(): Promise<Snapshot> {
    const snapshot = this.#snapshot;
    if (snapshot && Date.now() - snapshot.at < this.#ttlMs) return snapshot;
    if (!this.#loading) {
      this.#loading = this.#load().finally(() => {
        this.#loading = null;
      });
    }
    return this.#loading;
  }

  async #load(): Promise<Snapshot> {
    const [sealed, variables] = await Promise.all([
      this.#store.sealedSecrets(this.workspaceId),
      this.#store.listVariables(this.workspaceId),
    ]);
    const secrets: Record<string, string> = { ...this.#envSecrets };
    for (const row of sealed) {
      const value = this.#keyring.open(row.sealed, secretContext(this.workspaceId, row.name));
      secrets[row.name] = value;
      this.#known.add(value);
    }
    const vars: Record<string, string> = { ...this.#envVars };
    for (const row of variables) vars[row.name] = row.value;
    this.#snapshot = { secrets, vars, at: Date.now() };
    return this.#snapshot;
  }
}

/**
 * Re-seals every stored secret that is not sealed with the active key (after a new key became
 * active, the old one kept among the old keys). A value changed meanwhile is left to its writer.
 */
export async function rotateSecrets(
  store: SecretStore,
  keyring: Keyring,
): Promise<{ total: number; resealed: number }> {
  let resealed = 0;
  const all = await store.allSealedSecrets();
  for (const row of all) {
    if (!keyring.needsRotation(row.sealed)) continue;
    const next = keyring.rotate(row.sealed, secretContext(row.workspaceId, row.name));
    if (await store.resealSecret(row.workspaceId, row.name, row.sealed, next)) resealed++;
  }
  return { total: all.length, resealed };
}
