/**
 * WorkspaceStore: the workspaces of an installation and who belongs to each (ADR 0015). A user's
 * role lives on their membership of a workspace; `default` exists from migration 0050 on.
 *
 * In/out: WorkspaceRecord and roles, times as epoch milliseconds. A workspace is found by its id or
 * its slug (both unique; the id of `default` is its slug).
 */
import type { UserRole } from './control-store.js';

export interface WorkspaceRecord {
  id: string;
  /** `^[a-z0-9][a-z0-9-]*$`, unique: what the `Atom-Workspace` header and the CLI name. */
  slug: string;
  name: string;
  createdAt: number;
}

/** A workspace seen by one of its members. */
export interface MembershipRecord extends WorkspaceRecord {
  role: UserRole;
  /** When the user joined it. */
  joinedAt: number;
}

export interface WorkspaceStore {
  /** Creates it with `ownerId` as its owner, in one unit; throws ATOM_ERR_WORKSPACE_EXISTS when the slug is taken. */
  createWorkspace(workspace: WorkspaceRecord, ownerId: string): Promise<void>;
  /** By id or slug. */
  getWorkspace(idOrSlug: string): Promise<WorkspaceRecord | undefined>;
  /** Every workspace of the installation, oldest first (for the operator's CLI and installation-wide jobs). */
  listWorkspaces(): Promise<WorkspaceRecord[]>;
  /** False when there is no such workspace. */
  renameWorkspace(id: string, name: string): Promise<boolean>;
  /** The user's workspaces, in the order they joined them (the first is a session's default). */
  listMemberships(userId: string): Promise<MembershipRecord[]>;
  /** The user's role in the workspace, undefined when they are no member. */
  getMembership(workspaceId: string, userId: string): Promise<UserRole | undefined>;
  /** Makes an existing user a member; false (nothing changed) when they already are one. */
  addMember(workspaceId: string, userId: string, role: UserRole, now: number): Promise<boolean>;
}
