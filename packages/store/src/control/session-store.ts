/**
 * SessionStore: the Studio's login sessions. A session is a random token in an httpOnly cookie;
 * only its SHA-256 is stored, like API tokens. Expiry is decided by the caller from the times kept
 * here (idle and absolute limits are configuration, not data).
 *
 * In: records with times as epoch ms. Out: the same, and the session's user.
 */
import type { UserRecord } from './control-store.js';

export interface SessionRecord {
  id: string;
  userId: string;
  /** SHA-256 hex of the cookie's token. */
  tokenHash: string;
  createdAt: number;
  lastSeenAt: number;
  revokedAt: number | null;
  /** Where it was opened from, for people reviewing their sessions. */
  ip: string | null;
  userAgent: string | null;
}

export interface SessionStore {
  createSession(session: SessionRecord): Promise<void>;
  /** The session with this token hash and its user, whatever its state (the caller decides). */
  findSession(tokenHash: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined>;
  /** Moves lastSeenAt forward (callers throttle it). */
  touchSession(id: string, now: number): Promise<void>;
  /** False when it did not exist or was already revoked. */
  revokeSession(id: string, now: number): Promise<boolean>;
  /** Revokes every open session of the user (password change, removal); returns how many. */
  revokeUserSessions(userId: string, now: number): Promise<number>;
}
