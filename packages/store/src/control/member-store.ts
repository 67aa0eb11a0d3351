/**
 * MemberStore: the people of a workspace and their credentials, beyond creating them (ControlStore):
 * listing members, changing a role or removing a member without ever leaving the workspace without
 * an owner, listing and revoking API tokens, and single-use invitations.
 *
 * In/out: UserRecord, ApiTokenRecord and InvitationRecord, times as epoch milliseconds. An
 * invitation is found by the SHA-256 of its link's token; the token itself is never stored.
 */
import type { ApiTokenRecord, UserRecord, UserRole } from './control-store.js';

export interface InvitationRecord {
  id: string;
  /** The workspace it admits to. */
  workspaceId: string;
  email: string;
  role: UserRole;
  /** SHA-256 hex of the token in the invitation link. */
  tokenHash: string;
  /** The user who invited, or null when the system did. */
  invitedBy: string | null;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
  revokedAt: number | null;
}

/** What a guarded member change did: `last-owner` means it would have left no owner, so nothing changed. */
export type MemberChange = 'changed' | 'not-found' | 'last-owner';

export interface MemberStore {
  /** The members of a workspace with their role there, oldest member first. */
  listUsers(workspaceId: string): Promise<UserRecord[]>;
  /** Sets the member's role, unless it takes the role `owner` from the workspace's last owner. */
  setUserRole(workspaceId: string, id: string, role: UserRole): Promise<MemberChange>;
  /**
   * Ends the membership and the user's API tokens of that workspace, unless they are its last owner;
   * a user left in no workspace is deleted with their sessions. `not-found`: no such member.
   */
  deleteUser(workspaceId: string, id: string): Promise<MemberChange>;

  /** A workspace's API tokens, newest first: of one user, or of everyone. Hashes included (they are not secrets). */
  listApiTokens(workspaceId: string, userId?: string): Promise<ApiTokenRecord[]>;
  getApiToken(id: string): Promise<ApiTokenRecord | undefined>;
  /** False when no token has the id or it was revoked already. */
  revokeApiToken(id: string, now: number): Promise<boolean>;

  createInvitation(invitation: InvitationRecord): Promise<void>;
  findInvitation(tokenHash: string): Promise<InvitationRecord | undefined>;
  /** Every invitation to a workspace, newest first. */
  listInvitations(workspaceId: string): Promise<InvitationRecord[]>;
  /** False when it is not open any more (accepted, revoked) or unknown in the workspace. */
  revokeInvitation(workspaceId: string, id: string, now: number): Promise<boolean>;
  /** Marks it used, only if still open and not expired at `now`; false otherwise (single use). */
  markInvitationAccepted(id: string, now: number): Promise<boolean>;
}
