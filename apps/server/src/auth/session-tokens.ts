/**
 * Session tokens and their CSRF tokens. The session token lives only in the httpOnly cookie (the
 * page's scripts cannot read it); the CSRF token is derived from it, so the server stores nothing
 * more, and a page can only learn it from the API (login, GET /api/v1/auth/session) — which a
 * cross-site page cannot read. State-changing requests made with the cookie must echo it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'atom_session';
export const CSRF_HEADER = 'x-csrf-token';

export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(`session:${token}`, 'utf8').digest('hex');
}

export function csrfTokenOf(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`, 'utf8').digest('base64url');
}

export function csrfMatches(sessionToken: string, sent: string | undefined): boolean {
  if (sent === undefined) return false;
  const expected = Buffer.from(csrfTokenOf(sessionToken));
  const given = Buffer.from(sent);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
