/**
 * The SecretsPort of a running Atom: `$secrets` and `$vars` of each workspace, read from the store
 * (secrets opened with the keyring) over the values given by the environment (`ATOM_SECRET_*`,
 * `ATOM_VAR_*`, which a stored value of the same name overrides; they are the installation's, so
 * every workspace sees them). The engine asks for them at every step, so the opened values of a
 * workspace are kept for `ttlMs` (2 s) and dropped at once when this process changes one; another
 * process's change is seen within `ttlMs`.
 *
 * It also knows every secret value it has handed out, so the logger can scrub them from every line.
 */
import { DEFAULT_WORKSPACE_ID, type SecretsPort } from '@atom/engine';
import type { SecretStore } from '@atom/store';
import type { Keyring } from './keyring.js';

/** The workspace of everything stored before there were several, and of the first-run owner. */
export const DEFAULT_WORKSPACE = DEFAULT_WORKSPACE_ID;

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
}

export class WorkspaceSecrets implements SecretsPort {
  readonly #store: SecretStore;
  readonly #keyring: Keyring;
  readonly #envSecrets: Record<string, string>;
  readonly #envVars: Record<string, string>;
  readonly #ttlMs: number;
  readonly #snapshots = new Map<string, Snapshot>();
  readonly #loading = new Map<string, Promise<Snapshot>>();
  /** Every secret value seen, for log scrubbing (values removed later still must not leak). */
  readonly #known = new Set<string>();

  constructor(options: WorkspaceSecretsOptions) {
    this.#store = options.store;
    this.#keyring = options.keyring;
    this.#envSecrets = options.envSecrets ?? {};
    this.#envVars = options.envVars ?? {};
    this.#ttlMs = options.ttlMs ?? 2_000;
    for (const value of Object.values(this.#envSecrets)) this.#known.add(value);
  }

  async secrets(workspaceId: string): Promise<Record<string, string>> {
    return (await this.#current(workspaceId)).secrets;
  }

  async vars(workspaceId: string): Promise<Record<string, string>> {
    return (await this.#current(workspaceId)).vars;
  }

  /** Every secret value this process has seen (for the logger; never sent anywhere). */
  knownValues(): readonly string[] {
    return [...this.#known];
  }

  /** Seals and stores a secret; true when it was new. The value never reaches the store in clear. */
  async setSecret(workspaceId: string, name: string, value: string, now: number): Promise<boolean> {
    const sealed = this.#keyring.seal(value, secretContext(workspaceId, name));
    this.#known.add(value);
    const created = await this.#store.putSecret({ workspaceId, name, sealed, now });
    this.#snapshots.delete(workspaceId);
    return created;
  }

  async deleteSecret(workspaceId: string, name: string): Promise<boolean> {
    const deleted = await this.#store.deleteSecret(workspaceId, name);
    this.#snapshots.delete(workspaceId);
    return deleted;
  }

  async setVariable(workspaceId: string, name: string, value: string, now: number): Promise<boolean> {
    const created = await this.#store.putVariable({ workspaceId, name, value, updatedAt: now });
    this.#snapshots.delete(workspaceId);
    return created;
  }

  async deleteVariable(workspaceId: string, name: string): Promise<boolean> {
    const deleted = await this.#store.deleteVariable(workspaceId, name);
    this.#snapshots.delete(workspaceId);
    return deleted;
  }

  async #current(workspaceId: string): Promise<Snapshot> {
    const snapshot = this.#snapshots.get(workspaceId);
    if (snapshot && Date.now() - snapshot.at < this.#ttlMs) return snapshot;
    let loading = this.#loading.get(workspaceId);
    if (!loading) {
      loading = this.#load(workspaceId).finally(() => this.#loading.delete(workspaceId));
      this.#loading.set(workspaceId, loading);
    }
    return loading;
  }

  async #load(workspaceId: string): Promise<Snapshot> {
    const [sealed, variables] = await Promise.all([
      this.#store.sealedSecrets(workspaceId),
      this.#store.listVariables(workspaceId),
    ]);
    const secrets: Record<string, string> = { ...this.#envSecrets };
    for (const row of sealed) {
      const value = this.#keyring.open(row.sealed, secretContext(workspaceId, row.name));
      secrets[row.name] = value;
      this.#known.add(value);
    }
    const vars: Record<string, string> = { ...this.#envVars };
    for (const row of variables) vars[row.name] = row.value;
    const snapshot = { secrets, vars, at: Date.now() };
    this.#snapshots.set(workspaceId, snapshot);
    return snapshot;
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
