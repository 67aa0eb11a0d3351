/**
 * /api/v1/auth/oidc: single sign-on with an OpenID Connect provider (authorization code + PKCE).
 * `login` sends the browser to the provider with a fresh state, nonce and S256 code challenge,
 * kept server-side under an httpOnly cookie; `callback` checks the answer with openid-client,
 * maps the user's groups to a role, creates the user at their first login, and opens a session
 * exactly like a password login before sending the browser on (to `/` or a same-origin
 * `returnTo`). The page then reads its CSRF token from GET /api/v1/auth/session.
 *
 * An existing user keeps their role: the groups are read at every login only to refuse a user in
 * no mapped group when the default role is `none` (the store has no way to change a role yet).
 */
import { randomUUID } from 'node:crypto';
import { AtomError } from '@atom/errors';
import type { UserRecord, UserRole } from '@atom/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { PROBLEM_REF } from '../../app/schemas.js';
import type { ServerContext } from '../../server-context.js';
import { openSession, type SessionCookieOptions } from '../open-session.js';
import type { OidcOptions } from './oidc-options.js';
import { PendingLogins } from './pending-logins.js';
import { groupsOf, roleFor } from './role-mapping.js';

export const OIDC_COOKIE = 'atom_oidc';
const COOKIE_PATH = '/api/v1/auth/oidc';
const DEFAULT_SCOPES = ['openid', 'email', 'profile'];
const EMAIL = /^[^\s@]+@[^\s@]+$/;

type Claims = Record<string, unknown>;

export async function oidcRoutes(
  app: FastifyInstance,
  ctx: ServerContext,
  sessions: SessionCookieOptions,
  options: OidcOptions,
): Promise<void> {
  const pending = new PendingLogins();
  const ttlMs = options.loginTtlMs ?? 10 * 60_000;
  const groupsClaim = options.groupsClaim ?? 'groups';
  const roleMap = options.roleMap ?? {};
  const defaultRole = options.defaultRole ?? 'viewer';
  const redirectUrl = new URL(options.redirectUrl);

  // Discovered at the first login, not at start: the server starts while the provider is away.
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= discover(options).catch((error: unknown) => {
      discovered = undefined;
      ctx.logger.error({ err: error, issuer: options.issuer }, 'OIDC discovery failed');
      throw new AtomError('ATOM_ERR_HTTP_CONNECTION', `the identity provider ${options.issuer} could not be reached`);
    });
    return discovered;
  };

  async function refuse(request: FastifyRequest, reason: string, who?: { id?: string; email?: string }) {
    request.log.warn({ reason, email: who?.email, ip: request.ip }, 'single sign-on refused');
    await ctx.record(request, {
      action: 'login.failed',
      target: { type: 'user', id: who?.id ?? null, name: who?.email?.toLowerCase() ?? null },
      data: { via: 'oidc', reason },
    });
    return new AtomError('ATOM_ERR_AUTH_INVALID', reason);
  }

  app.get(
    `${COOKIE_PATH}/login`,
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Single sign-on: redirects to the identity provider',
        security: [],
        querystring: {
          type: 'object',
          properties: { returnTo: { type: 'string', maxLength: 2000 } },
        },
        response: { 302: { type: 'null' }, 502: PROBLEM_REF },
      },
    },
    async (request, reply) => {
      const config = await configuration();
      const { returnTo } = request.query as { returnTo?: string };
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const target = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUrl.href,
        scope: (options.scopes ?? DEFAULT_SCOPES).join(' '),
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const now = ctx.now();
      const id = pending.add(
        { state, nonce, codeVerifier, returnTo: safeReturnTo(returnTo), expiresAt: now + ttlMs },
        now,
      );
      reply.setCookie(OIDC_COOKIE, id, {
        httpOnly: true,
        // Lax: the provider brings the browser back with a top-level GET, which carries it.
        sameSite: 'lax',
        secure: sessions.secureCookies || request.protocol === 'https',
        path: COOKIE_PATH,
        maxAge: Math.floor(ttlMs / 1000),
      });
      return reply.redirect(target.href, 302);
    },
  );

  app.get(
    `${COOKIE_PATH}/callback`,
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: "Single sign-on: the provider's answer; opens a session and redirects into the Studio",
        security: [],
        response: { 302: { type: 'null' }, 401: PROBLEM_REF, 502: PROBLEM_REF },
      },
    },
    async (request, reply) => {
      const login = pending.take(request.cookies[OIDC_COOKIE], ctx.now());
      reply.clearCookie(OIDC_COOKIE, { path: COOKIE_PATH });
      if (!login) throw await refuse(request, 'this login is unknown, used or expired; start again');
      const config = await configuration();
      const claims = await claimsOf(request, config, login).catch(async (error: unknown) => {
        request.log.warn({ err: error }, "the identity provider's answer was refused");
        throw await refuse(request, `the identity provider's answer was refused: ${messageOf(error)}`);
      });

      const email =
        typeof claims.email === 'string' && claims.email.length <= 320 && EMAIL.test(claims.email)
          ? claims.email
          : undefined;
      if (!email) throw await refuse(request, 'the identity provider gave no email address');
      const existing = await ctx.control.getUserByEmail(email);
      const who = { email, ...(existing ? { id: existing.id } : {}) };
      if ('email_verified' in claims && claims.email_verified !== true) {
        throw await refuse(request, 'the email address is not verified at the identity provider', who);
      }
      const role = roleFor(groupsOf(claims, groupsClaim), roleMap, defaultRole);
      if (!role) throw await refuse(request, 'none of your groups gives access to Atom', who);

      const user = existing ?? (await createUser(request, email, role));
      request.log.info({ userId: user.id, ip: request.ip, via: 'oidc' }, 'login');
      await ctx.record(request, {
        action: 'login.succeeded',
        target: { type: 'user', id: user.id, name: user.email },
        data: { via: 'oidc' },
      });
      await openSession(ctx, sessions, request, reply, user);
      return reply.redirect(login.returnTo, 302);
    },
  );

  /** The ID token's claims, completed by the userinfo endpoint when the email or groups are missing. */
  async function claimsOf(
    request: FastifyRequest,
    config: oidc.Configuration,
    login: { state: string; nonce: string; codeVerifier: string },
  ): Promise<Claims> {
    // The URL as the provider sent the browser to it (behind a proxy the request's own URL differs).
    const currentUrl = new URL(redirectUrl);
    currentUrl.search = new URL(request.url, 'http://callback').search;
    const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: login.codeVerifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims() as Claims & { sub: string };
    if (typeof idClaims.email === 'string' && idClaims[groupsClaim.split('.')[0] as string] !== undefined) {
      return idClaims;
    }
    if (!config.serverMetadata().userinfo_endpoint) return idClaims;
    const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
    return { ...idClaims, ...info };
  }

  async function createUser(request: FastifyRequest, email: string, role: UserRole): Promise<UserRecord> {
    const user: UserRecord = { id: randomUUID(), email, role, passwordHash: null, createdAt: ctx.now() };
    try {
      await ctx.control.createUser(user);
    } catch (error) {
      // Two first logins racing: the other one created the user.
      const raced = error instanceof AtomError && error.code === 'ATOM_ERR_USER_EXISTS';
      const found = raced ? await ctx.control.getUserByEmail(email) : undefined;
      if (found) return found;
      throw error;
    }
    request.log.info({ userId: user.id, role }, 'user created at first single sign-on');
    await ctx.record(request, {
      action: 'user.create',
      target: { type: 'user', id: user.id, name: user.email },
      data: { role, via: 'oidc' },
    });
    return user;
  }
}

async function discover(options: OidcOptions): Promise<oidc.Configuration> {
  const issuer = new URL(options.issuer);
  // Plain HTTP only when the operator configured an http:// issuer (the configuration allows it for loopback).
  const insecure = issuer.protocol === 'http:';
  const found = await oidc.discovery(issuer, options.clientId, undefined, undefined, {
    ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    timeout: 10,
  });
  // client_secret_basic is the specification's default; post only for a provider that lacks it.
  const methods = found.serverMetadata().token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  const usePost = !methods.includes('client_secret_basic') && methods.includes('client_secret_post');
  const config = new oidc.Configuration(
    found.serverMetadata(),
    options.clientId,
    options.clientSecret,
    usePost ? oidc.ClientSecretPost(options.clientSecret) : oidc.ClientSecretBasic(options.clientSecret),
  );
  if (insecure) oidc.allowInsecureRequests(config);
  return config;
}

/** A same-origin path (`/…`, not `//host` or `/\host`, also after normalisation), else `/`. */
export function safeReturnTo(returnTo: string | undefined): string {
  if (!returnTo?.startsWith('/')) return '/';
  if ([...returnTo].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) return '/';
  const base = new URL('http://atom.invalid/');
  const resolved = new URL(returnTo, base);
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  // `/.//evil.example` normalises to `//evil.example`, which a browser reads as another host.
  if (resolved.origin !== base.origin || path.startsWith('//')) return '/';
  return path;
}

/** What went wrong, for the problem's detail: openid-client puts the precise check in `cause`. */
function messageOf(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError) {
    return `${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  }
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && cause !== error.message ? `${error.message}: ${cause}` : error.message;
}
