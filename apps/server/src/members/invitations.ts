/**
 * Invitations: their links and their states. A link's token is 32 random bytes as `inv_<base64url>`, stored only as their SHA-256 (like API
 * tokens, and for the same reason: nothing can be guessed from the hash). The token travels in the
 * link's fragment (`/invite#<token>`), which browsers never send to a server or put in a Referer.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { InvitationRecord } from '@atom/store';

/** The Studio page that accepts an invitation. */
export const INVITATION_PATH = '/invite';

export function generateInvitationToken(): string {
  return `inv_${randomBytes(32).toString('base64url')}`;
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Where an invitation stands at `now`: only an `open` one can be accepted or revoked. */
export function invitationStatus(i: InvitationRecord, now: number): 'open' | 'accepted' | 'revoked' | 'expired' {
  if (i.acceptedAt !== null) return 'accepted';
  if (i.revokedAt !== null) return 'revoked';
  return i.expiresAt <= now ? 'expired' : 'open';
}
