/**
 * Opens a Studio session for a user who just proved who they are (password, first-run setup or
 * single sign-on): stores the session token's hash, sets the httpOnly, SameSite=Lax cookie and
 * returns the CSRF token the page must echo on state-changing requests.
 */
import { randomUUID } from 'node:crypto';
import type { UserRecord } from '@atom/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../server-context.js';
import { csrfTokenOf, generateSessionToken, hashSessionToken, SESSION_COOKIE } from './session-tokens.js';

export interface SessionCookieOptions {
  /** The cookie's lifetime (the session's absolute limit). */
  maxAgeMs: number;
  /** Mark the cookie Secure even over plain HTTP (behind a TLS-terminating proxy). */
  secureCookies: boolean;
}

export interface SessionAnswer {
  user: { id: string; email: string; role: string };
  csrfToken: string;
  via: 'session';
}

export const userView = (user: Pick<UserRecord, 'id' | 'email' | 'role'>) => ({
  id: user.id,
  email: user.email,
  role: user.role,
});

export async function openSession(
  ctx: Pick<ServerContext, 'control' | 'now'>,
  options: SessionCookieOptions,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRecord,
): Promise<SessionAnswer> {
  const token = generateSessionToken();
  const now = ctx.now();
  await ctx.control.createSession({
    id: randomUUID(),
    userId: user.id,
    tokenHash: hashSessionToken(token),
    createdAt: now,
    lastSeenAt: now,
    revokedAt: null,
    ip: request.ip ?? null,
    userAgent: request.headers['user-agent']?.slice(0, 500) ?? null,
  });
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secureCookies || request.protocol === 'https',
    path: '/',
    maxAge: Math.floor(options.maxAgeMs / 1000),
  });
  return { user: userView(user), csrfToken: csrfTokenOf(token), via: 'session' };
}
