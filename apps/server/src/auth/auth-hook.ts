/**
 * The gate of every /api route: resolves the caller — `Authorization: Bearer <api token>`, or the
 * Studio's session cookie — then checks the permission the route declared against the caller's
 * role. A request authenticated by the cookie that changes something (POST, PUT, PATCH, DELETE)
 * must also carry the session's CSRF token in `X-CSRF-Token`. Public routes (health, metrics,
 * docs, hooks, login, setup) pass untouched. The request carries the caller as `request.principal`.
 */
import { AtomError } from '@atom/errors';
import type { ControlStore, SessionStore, UserRecord, UserRole } from '@atom/store';
import type { FastifyRequest } from 'fastify';
import { accessOf, roleAllows, weakerRole } from '../app/permissions.js';
import { hashApiToken } from './api-tokens.js';
import { CSRF_HEADER, csrfMatches, hashSessionToken, SESSION_COOKIE } from './session-tokens.js';

export interface Principal {
  userId: string;
  email: string;
  /** The role in force: the user's, or the weaker role an API token was narrowed to. */
  role: UserRole;
  /** True when `role` is an API token's, below its user's own. */
  narrowed: boolean;
  via: 'token' | 'session';
  /** The API token's or the session's id. */
  credentialId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface SessionLimits {
  /** A session unused this long is over. */
  idleMs: number;
  /** A session this old is over, used or not. */
  maxAgeMs: number;
}

/** lastUsedAt / lastSeenAt are bookkeeping: written at most once a minute per credential. */
const TOUCH_EVERY_MS = 60_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createAuthHook(store: ControlStore & SessionStore, limits: SessionLimits, now: () => number) {
  const touched = new Map<string, number>();
  const shouldTouch = (id: string, at: number) => {
    if ((touched.get(id) ?? 0) + TOUCH_EVERY_MS > at) return false;
    touched.set(id, at);
    if (touched.size > 100_000) touched.delete(touched.keys().next().value as string);
    return true;
  };

  async function byToken(token: string, at: number): Promise<{ user: UserRecord; id: string; role: UserRole }> {
    const found = await store.findApiToken(hashApiToken(token));
    if (!found) throw new AtomError('ATOM_ERR_AUTH_INVALID', 'the API token is not known');
    if (found.token.revokedAt !== null) throw new AtomError('ATOM_ERR_AUTH_INVALID', 'the API token was revoked');
    if (found.token.expiresAt !== null && found.token.expiresAt <= at) {
      throw new AtomError('ATOM_ERR_AUTH_INVALID', 'the API token has expired');
    }
    if (shouldTouch(found.token.id, at)) await store.touchApiToken(found.token.id, at);
    return { user: found.user, id: found.token.id, role: weakerRole(found.user.role, found.token.role) };
  }

  async function bySession(request: FastifyRequest, token: string, at: number) {
    const found = await store.findSession(hashSessionToken(token));
    if (!found) throw new AtomError('ATOM_ERR_SESSION_EXPIRED', 'the session is not known; log in again');
    const { session } = found;
    if (session.revokedAt !== null)
      throw new AtomError('ATOM_ERR_SESSION_EXPIRED', 'the session was ended; log in again');
    if (at - session.createdAt >= limits.maxAgeMs || at - session.lastSeenAt >= limits.idleMs) {
      throw new AtomError('ATOM_ERR_SESSION_EXPIRED', 'the session has expired; log in again');
    }
    if (!SAFE_METHODS.has(request.method) && !csrfMatches(token, headerOf(request, CSRF_HEADER))) {
      throw new AtomError('ATOM_ERR_CSRF', `send the session's CSRF token in the ${CSRF_HEADER} header`);
    }
    if (shouldTouch(session.id, at)) await store.touchSession(session.id, at);
    return { user: found.user, id: session.id, role: found.user.role };
  }

  return async function authenticate(request: FastifyRequest): Promise<void> {
    request.principal = null;
    // Only /api/v1 routes declare access; docs, health, metrics and hooks are public by design.
    if (!request.routeOptions.url?.startsWith('/api/v1/')) return;
    const access = accessOf(request.routeOptions);
    if ('public' in access) return;
    const at = now();
    const header = request.headers.authorization;
    const cookie = request.cookies?.[SESSION_COOKIE];
    let caller: { user: UserRecord; id: string; role: UserRole };
    let via: Principal['via'];
    if (header !== undefined && header !== '') {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) {
        throw new AtomError('ATOM_ERR_AUTH_INVALID', 'the Authorization header must be "Bearer <api token>"');
      }
      caller = await byToken(match[1], at);
      via = 'token';
    } else if (cookie) {
      caller = await bySession(request, cookie, at);
      via = 'session';
    } else {
      throw new AtomError('ATOM_ERR_AUTH_REQUIRED', 'send "Authorization: Bearer <api token>", or log in');
    }
    const { user, role } = caller;
    if (!roleAllows(role, access.permission)) {
      throw new AtomError('ATOM_ERR_FORBIDDEN', `the role ${role} does not grant ${access.permission}`);
    }
    const narrowed = role !== user.role;
    request.principal = { userId: user.id, email: user.email, role, narrowed, via, credentialId: caller.id };
  };
}

/** The caller of a route that declared a permission (the gate set it); for routes that need who. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AtomError('ATOM_ERR_AUTH_REQUIRED', 'log in first');
  return request.principal;
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
