/**
 * ControlStore: what the server keeps besides runs — the workflow catalogue around the engine's
 * immutable versions, users and API tokens, and the schedule bookkeeping. Both adapters implement it
 * on the same database (and object) as their StorePort, so one backup holds everything.
 *
 * In: plain records, times as epoch milliseconds. Out: the same records read back.
 * Names are unique among workflows that are not deleted; a deleted workflow keeps its id and
 * versions (runs in flight still resolve them by id) but is no longer found by name, listed, or
 * triggered, and its name is free for a new workflow.
 */
import type { WorkflowVersionRecord } from '@atom/engine';

export interface WorkflowSummary {
  workflowId: string;
  /** The workspace it belongs to; its name is unique among the live workflows there. */
  workspaceId: string;
  name: string;
  /** Newest version. */
  version: number;
  /** The newest version's `description`, when it has one. */
  description: string | null;
  /** Whether its webhook, schedule and event triggers start runs. */
  triggersEnabled: boolean;
  createdAt: number;
  /** When the newest version was stored. */
  updatedAt: number;
  /** Set when the workflow was deleted (found by id only, for runs in flight and their history). */
  deletedAt: number | null;
}

export interface WorkflowListQuery {
  /** Only this workspace's workflows. */
  workspaceId: string;
  /** Case-insensitive substring of the name or description. */
  search?: string;
  /** Only workflows whose name sorts after this one (a page cursor; the listing is by name). */
  afterName?: string;
  limit: number;
}

export interface VersionSummary {
  version: number;
  hash: string;
  createdAt: number;
}

/** A non-deleted workflow with triggers enabled, and its newest version's document. */
export interface TriggerSource {
  workflowId: string;
  workspaceId: string;
  name: string;
  version: number;
  document: unknown;
}

export type UserRole = 'owner' | 'admin' | 'editor' | 'operator' | 'viewer';

export interface UserRecord {
  id: string;
  email: string;
  /**
   * Read through a workspace (MemberStore.listUsers): the role there. Read alone (getUser,
   * getUserByEmail, with a session): the role in the first workspace they joined, the one a session
   * opens by default. Given to createUser: the role in the workspace the user is created into.
   */
  role: UserRole;
  /** `scrypt$…` (see the server's password module); null for users without a password (SSO). */
  passwordHash: string | null;
  createdAt: number;
}

export interface ApiTokenRecord {
  id: string;
  userId: string;
  /** The one workspace the token acts in. */
  workspaceId: string;
  name: string;
  /** SHA-256 hex of the token; the token itself is never stored. */
  tokenHash: string;
  /** A role narrower than the user's, or null: the user's own (the weaker of the two always applies). */
  role: UserRole | null;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface ControlStore {
  /**
   * Like StorePort.putWorkflowVersion, but only if the newest version is still `expectedVersion`
   * (0: the name must be free); otherwise throws ATOM_ERR_WORKFLOW_VERSION_CONFLICT and writes
   * nothing. Checked and written in one unit, so of two racing writers one gets the conflict.
   * The name is one of `workspaceId` (default `default`).
   */
  putWorkflowVersionIf(
    name: string,
    document: unknown,
    hash: string,
    now: number,
    expectedVersion: number,
    workspaceId?: string,
    source?: string | null,
  ): Promise<WorkflowVersionRecord & { created: boolean }>;
  /** By id or name (name: non-deleted only), in one workspace; undefined when none there. */
  getWorkflowSummary(idOrName: string, workspaceId: string): Promise<WorkflowSummary | undefined>;
  listWorkflows(query: WorkflowListQuery): Promise<WorkflowSummary[]>;
  /** Every version of the workflow, newest first. */
  listWorkflowVersions(workflowId: string): Promise<VersionSummary[]>;
  /** False when the workflow does not exist or is deleted. */
  setTriggersEnabled(workflowId: string, enabled: boolean, now: number): Promise<boolean>;
  /** Marks the workflow deleted (see the header); false when it was not found or already deleted. */
  deleteWorkflow(workflowId: string, now: number): Promise<boolean>;
  /** Non-deleted workflows with triggers enabled, of every workspace, each with its newest document. */
  listTriggerSources(): Promise<TriggerSource[]>;
  /**
   * A short text that changes whenever a workflow is created, gets a new version, has its triggers
   * switched, or is deleted: a cheap check before reading every trigger source again.
   */
  triggerSourcesStamp(): Promise<string>;

  /**
   * Creates the user and their membership of `workspaceId` (default `default`) with `user.role`, in
   * one unit. Throws ATOM_ERR_USER_EXISTS when the email (case-insensitive) is taken.
   */
  createUser(user: UserRecord, workspaceId?: string): Promise<void>;
  getUserByEmail(email: string): Promise<UserRecord | undefined>;
  getUser(id: string): Promise<UserRecord | undefined>;
  countUsers(): Promise<number>;
  createApiToken(token: ApiTokenRecord): Promise<void>;
  /**
   * The token with this hash and its user, whatever its expiry or revocation (the caller decides);
   * `user.role` is the user's role in the token's workspace, null when they are no member there.
   */
  findApiToken(
    tokenHash: string,
  ): Promise<{ token: ApiTokenRecord; user: Omit<UserRecord, 'role'> & { role: UserRole | null } } | undefined>;
  /** Sets lastUsedAt (callers may throttle this; it is bookkeeping, not security). */
  touchApiToken(id: string, now: number): Promise<void>;

  /** The last fire time handled for one schedule trigger, or undefined when it never fired. */
  getScheduleMark(workflowId: string, triggerKey: string): Promise<number | undefined>;
  /** Moves the mark forward to `fireAt`; never moves it back. */
  advanceScheduleMark(workflowId: string, triggerKey: string, fireAt: number): Promise<void>;
}
