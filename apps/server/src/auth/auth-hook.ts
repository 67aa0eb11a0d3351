/**
 * The gate of every /api route: resolves the caller — `Authorization: Bearer <api token>`, or the
 * Studio's session cookie — and the workspace the request acts in, then checks the permission the
 * route declared against the caller's role there. A token acts in its own workspace; a session in
 * the one the `Atom-Workspace` header names (its slug or id), else the user's first. No membership there
 * (or a token sent with another workspace's name): 403 ATOM_ERR_WORKSPACE_FORBIDDEN, the same for a
 * workspace that does not exist, so names do not leak. A request authenticated by the cookie that
 * changes something (POST, PUT, PATCH, DELETE) must also carry the session's CSRF token in
 * `X-CSRF-Token`. Public routes (health, metrics, docs, hooks, login, setup) pass untouched. The
 * request carries the caller as `request.principal`.
 */
import { AtomError } from '@atom/errors';
import type { ControlStore, SessionStore, UserRole, WorkspaceRecord, WorkspaceStore } from '@atom/store';
import type { FastifyRequest } from 'fastify';
import { accessOf, roleAllows, weakerRole } from '../app/permissions.js';
import { hashApiToken } from './api-tokens.js';
import { CSRF_HEADER, csrfMatches, hashSessionToken, SESSION_COOKIE } from './session-tokens.js';

export interface Principal {
  userId: string;
  email: string;
  /** The workspace the request acts in: every store read and write of the route is of this one. */
  workspaceId: string;
  workspaceSlug: string;
  /** The role in force there: the user's membership, or the weaker role an API token was narrowed to. */
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
/** Names the workspace of a session's request (its slug); a token's must match the token's own. */
export const WORKSPACE_HEADER = 'atom-workspace';
const STREAM_ROUTE = '/api/v1/stream';

interface Caller {
  userId: string;
  email: string;
  id: string;
  workspace: WorkspaceRecord;
  /** The membership's role, and what the credential narrows it to. */
  member: UserRole;
  role: UserRole;
}

function notMember(slug: string): AtomError {
  return new AtomError('ATOM_ERR_WORKSPACE_FORBIDDEN', `you are no member of a workspace named "${slug}"`);
}

export function createAuthHook(
  store: ControlStore & SessionStore & WorkspaceStore,
  limits: SessionLimits,
  now: () => number,
) {
  const touched = new Map<string, number>();
  const shouldTouch = (id: string, at: number) => {
    if ((touched.get(id) ?? 0) + TOUCH_EVERY_MS > at) return false;
    touched.set(id, at);
    if (touched.size > 100_000) touched.delete(touched.keys().next().value as string);
    return true;
  };

  async function byToken(token: string, at: number, asked: string | undefined): Promise<Caller> {
    const found = await store.findApiToken(hashApiToken(token));
    if (!found) throw new AtomError('ATOM_ERR_AUTH_INVALID', 'the API token is not known');
    if (found.token.revokedAt !== null) throw new AtomError('ATOM_ERR_AUTH_INVALID', 'the API token was revoked');
    if (found.token.expiresAt !== null && found.token.expiresAt <= at) {
      throw new AtomError('ATOM_ERR_AUTH_INVALID', 'the API token has expired');
    }
    const workspace = await store.getWorkspace(found.token.workspaceId);
    const member = found.user.role;
    if (!workspace || member === null) throw notMember(asked ?? found.token.workspaceId);
    if (asked !== undefined && asked !== workspace.slug && asked !== workspace.id) {
      throw new AtomError(
        'ATOM_ERR_WORKSPACE_FORBIDDEN',
        `this API token acts in the workspace "${workspace.slug}" only`,
      );
    }
    if (shouldTouch(found.token.id, at)) await store.touchApiToken(found.token.id, at);
    const { id: userId, email } = found.user;
    return { userId, email, id: found.token.id, workspace, member, role: weakerRole(member, found.token.role) };
  }

  /** The session's workspace: the one asked for, if the user is a member, else their first. */
  async function sessionWorkspace(userId: string, asked: string | undefined) {
    if (asked === undefined) {
      const [first] = await store.listMemberships(userId);
      if (!first) throw notMember('(none)');
      return { workspace: first, member: first.role };
    }
    const workspace = await store.getWorkspace(asked);
    const member = workspace && (await store.getMembership(workspace.id, userId));
    if (!workspace || !member) throw notMember(asked);
    return { workspace, member };
  }

  async function bySession(request: FastifyRequest, token: string, at: number, asked: string | undefined) {
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
    const { workspace, member } = await sessionWorkspace(found.user.id, asked);
    if (shouldTouch(session.id, at)) await store.touchSession(session.id, at);
    const { id: userId, email } = found.user;
    return { userId, email, id: session.id, workspace, member, role: member };
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
    const asked = askedWorkspace(request);
    let caller: Caller;
    let via: Principal['via'];
    if (header !== undefined && header !== '') {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) {
        throw new AtomError('ATOM_ERR_AUTH_INVALID', 'the Authorization header must be "Bearer <api token>"');
      }
      caller = await byToken(match[1], at, asked);
      via = 'token';
    } else if (cookie) {
      caller = await bySession(request, cookie, at, asked);
      via = 'session';
    } else {
      throw new AtomError('ATOM_ERR_AUTH_REQUIRED', 'send "Authorization: Bearer <api token>", or log in');
    }
    const { role, workspace } = caller;
    if (!roleAllows(role, access.permission)) {
      throw new AtomError('ATOM_ERR_FORBIDDEN', `the role ${role} does not grant ${access.permission}`);
    }
    request.principal = {
      userId: caller.userId,
      email: caller.email,
      workspaceId: workspace.id,
      workspaceSlug: workspace.slug,
      role,
      narrowed: role !== caller.member,
      via,
      credentialId: caller.id,
    };
  };
}

/** The caller of a route that declared a permission (the gate set it); for routes that need who. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AtomError('ATOM_ERR_AUTH_REQUIRED', 'log in first');
  return request.principal;
}

/** The id of the workspace the request acts in (see the header): what every store call of a route is scoped to. */
export function workspaceOf(request: FastifyRequest): string {
  return principalOf(request).workspaceId;
}

/**
 * The workspace the request names: the `Atom-Workspace` header, or for the live stream (a browser
 * cannot set headers on a WebSocket) its `?workspace=` query parameter.
 */
function askedWorkspace(request: FastifyRequest): string | undefined {
  const header = headerOf(request, WORKSPACE_HEADER)?.trim();
  if (header) return header;
  if (request.routeOptions.url !== STREAM_ROUTE) return undefined;
  const query = (request.query as { workspace?: unknown } | undefined)?.workspace;
  return typeof query === 'string' && query !== '' ? query : undefined;
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
