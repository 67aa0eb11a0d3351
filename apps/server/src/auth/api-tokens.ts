/**
 * API tokens: 32 random bytes, shown once as `atom_<base64url>`, stored only as their SHA-256.
 * A plain (unsalted) hash is right here: the token has 256 bits of entropy, so nothing can be
 * guessed from the hash, and lookups stay one indexed equality.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AtomError } from '@atom/errors';
import type { ApiTokenRecord, ControlStore, UserRecord, UserRole } from '@atom/store';
import { roleCovers } from '../app/permissions.js';

export const TOKEN_PREFIX = 'atom_';
const DAY_MS = 86_400_000;

export function generateApiToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface TokenRequest {
  /** Whose token it is, with the role the token may reach at most. */
  user: Pick<UserRecord, 'id' | 'email' | 'role'>;
  /** The workspace it acts in (`user.role` is the user's role there). */
  workspaceId: string;
  name: string;
  /** Narrow the token to this role; it may not exceed the user's. Null: the user's own role. */
  role: UserRole | null;
  /** Days until it stops working; null: never. */
  expiresInDays: number | null;
  now: number;
}

/**
 * Stores a new token for `request.user` and returns it with its record: the token itself exists
 * only in this answer.
 *
 * @example
 * const { token } = await issueApiToken(store, { user, name: 'ci', role: 'operator', expiresInDays: 90, now });
 */
export async function issueApiToken(
  store: Pick<ControlStore, 'createApiToken'>,
  request: TokenRequest,
): Promise<{ token: string; record: ApiTokenRecord }> {
  const { user, role, expiresInDays, now } = request;
  if (role !== null && !roleCovers(user.role, role)) {
    throw new AtomError(
      'ATOM_ERR_ROLE_TOO_HIGH',
      `a token of ${user.email} (${user.role}) cannot have the role ${role}`,
    );
  }
  const token = generateApiToken();
  const record: ApiTokenRecord = {
    id: randomUUID(),
    userId: user.id,
    workspaceId: request.workspaceId,
    name: request.name,
    tokenHash: hashApiToken(token),
    role,
    createdAt: now,
    expiresAt: expiresInDays === null ? null : now + expiresInDays * DAY_MS,
    lastUsedAt: null,
    revokedAt: null,
  };
  await store.createApiToken(record);
  return { token, record };
}
