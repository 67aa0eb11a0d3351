/**
 * /api/v1/auth: the Studio's login. `setup` creates the first owner while no user exists (the
 * first start offers it), `login` opens a session (an httpOnly, SameSite=Lax cookie, plus the CSRF
 * token the page must echo), `session` tells who is logged in, `logout` ends the session. Failed
 * logins back off per account and per address; unknown emails and wrong passwords get the same
 * answer, after the same work. `invitation` shows what an invitation link offers, and
 * `invitation/accept` turns it into a member of its workspace with a password, logged in; someone
 * who has an account already proves it with their password and joins with it (ADR 0015).
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_WORKSPACE_ID } from '@atom/engine';
import { AtomError } from '@atom/errors';
import type { InvitationRecord, UserRecord } from '@atom/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_ERRORS, PROBLEM_REF } from '../app/schemas.js';
import { hashInvitationToken, invitationStatus } from '../members/invitations.js';
import type { ServerContext } from '../server-context.js';
import { principalOf, type SessionLimits } from './auth-hook.js';
import { LoginThrottle } from './login-throttle.js';
import { openSession as openSessionFor } from './open-session.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { csrfTokenOf, SESSION_COOKIE } from './session-tokens.js';

export interface AuthRouteOptions extends SessionLimits {
  /** Mark the cookie Secure even over plain HTTP (behind a TLS-terminating proxy). */
  secureCookies: boolean;
}

const MIN_PASSWORD = 8;
const CREDENTIALS = {
  type: 'object',
  properties: {
    email: { type: 'string', minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
  required: ['email', 'password'],
  additionalProperties: false,
} as const;
const USER_SCHEMA = {
  type: 'object',
  properties: { id: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' } },
} as const;
const SESSION_ANSWER = {
  type: 'object',
  properties: {
    user: USER_SCHEMA,
    csrfToken: { type: 'string' },
    via: { type: 'string' },
    workspace: {
      type: 'object',
      description: 'The workspace this request acted in (`user.role` is the role there)',
      properties: { id: { type: 'string' }, slug: { type: 'string' } },
    },
  },
} as const;

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD) {
    throw new AtomError('ATOM_ERR_REQUEST_INVALID', `the password needs at least ${MIN_PASSWORD} characters`, {
      details: [{ path: 'body.password', message: `at least ${MIN_PASSWORD} characters` }],
    });
  }
}

export async function authRoutes(app: FastifyInstance, ctx: ServerContext, options: AuthRouteOptions): Promise<void> {
  const throttle = new LoginThrottle();
  // Work done for an unknown email, so that its answer takes as long as a wrong password's.
  const decoy = await hashPassword(randomUUID());

  const openSession = (request: FastifyRequest, reply: FastifyReply, user: UserRecord) =>
    openSessionFor(ctx, options, request, reply, user);

  app.get(
    '/api/v1/auth/setup',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Whether the first-run setup is still open (no user exists yet)',
        security: [],
        response: { 200: { type: 'object', properties: { needed: { type: 'boolean' } } } },
      },
    },
    async () => ({ needed: (await ctx.control.countUsers()) === 0 }),
  );

  app.post(
    '/api/v1/auth/setup',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'First run: create the first owner and log in (only while no user exists)',
        security: [],
        body: CREDENTIALS,
        response: { 201: SESSION_ANSWER, 400: PROBLEM_REF, 409: PROBLEM_REF },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body as { email: string; password: string };
      checkPassword(password);
      if ((await ctx.control.countUsers()) > 0) {
        throw new AtomError('ATOM_ERR_SETUP_DONE', 'an owner exists already; log in instead');
      }
      const user: UserRecord = {
        id: randomUUID(),
        email,
        role: 'owner',
        passwordHash: await hashPassword(password),
        createdAt: ctx.now(),
      };
      try {
        await ctx.control.createUser(user);
      } catch (error) {
        // Two setups racing: the second finds the email (or the first user) taken.
        if (error instanceof AtomError && error.code === 'ATOM_ERR_USER_EXISTS') {
          throw new AtomError('ATOM_ERR_SETUP_DONE', 'an owner exists already; log in instead');
        }
        throw error;
      }
      if ((await ctx.control.countUsers()) > 1) {
        request.log.warn({ userId: user.id }, 'setup raced with another; both users exist');
      }
      request.log.info({ userId: user.id }, 'first owner created');
      await ctx.record(
        request,
        { action: 'setup.owner', target: { type: 'user', id: user.id, name: user.email }, data: { role: 'owner' } },
        DEFAULT_WORKSPACE_ID,
      );
      return reply.code(201).send(await openSession(request, reply, user));
    },
  );

  app.post(
    '/api/v1/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Log in with email and password: sets the session cookie, returns the CSRF token',
        security: [],
        body: CREDENTIALS,
        response: { 200: SESSION_ANSWER, 401: PROBLEM_REF, 429: PROBLEM_REF },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body as { email: string; password: string };
      const now = ctx.now();
      const keys = [`email:${email.toLowerCase()}`, `ip:${request.ip}`];
      const wait = throttle.waitMs(keys, now);
      if (wait > 0) {
        reply.header('retry-after', String(Math.ceil(wait / 1000)));
        throw new AtomError(
          'ATOM_ERR_LOGIN_THROTTLED',
          `too many failed logins; try again in ${Math.ceil(wait / 1000)} s`,
        );
      }
      const user = await ctx.control.getUserByEmail(email);
      const ok = await verifyPassword(password, user?.passwordHash ?? decoy);
      if (!user?.passwordHash || !ok) {
        throttle.failed(keys, now);
        request.log.warn({ email: email.toLowerCase(), ip: request.ip }, 'login failed');
        await ctx.record(request, {
          action: 'login.failed',
          target: { type: 'user', id: user?.id ?? null, name: email.toLowerCase() },
        });
        throw new AtomError('ATOM_ERR_AUTH_INVALID', 'the email or the password is wrong');
      }
      throttle.succeeded(keys[0] as string);
      request.log.info({ userId: user.id, ip: request.ip }, 'login');
      // Recorded in the workspace the session opens in by default.
      const [home] = await ctx.control.listMemberships(user.id);
      await ctx.record(
        request,
        { action: 'login.succeeded', target: { type: 'user', id: user.id, name: user.email } },
        home?.id ?? DEFAULT_WORKSPACE_ID,
      );
      return openSession(request, reply, user);
    },
  );

  const INVITATION_TOKEN = { type: 'string', minLength: 1, maxLength: 200 } as const;
  async function openInvitation(token: string) {
    const invitation = await ctx.control.findInvitation(hashInvitationToken(token));
    if (!invitation || invitationStatus(invitation, ctx.now()) !== 'open') {
      throw new AtomError('ATOM_ERR_INVITATION_INVALID', 'this invitation link is unknown, used, revoked or expired');
    }
    return invitation;
  }

  app.post(
    '/api/v1/auth/invitation',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'What an invitation link offers: the email and role (the token goes in the body, not the URL)',
        security: [],
        body: {
          type: 'object',
          properties: { token: INVITATION_TOKEN },
          required: ['token'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { email: { type: 'string' }, role: { type: 'string' }, expiresAt: { type: 'string' } },
          },
          400: PROBLEM_REF,
          404: PROBLEM_REF,
        },
      },
    },
    async (request) => {
      const invitation = await openInvitation((request.body as { token: string }).token);
      return {
        email: invitation.email,
        role: invitation.role,
        expiresAt: new Date(invitation.expiresAt).toISOString(),
      };
    },
  );

  /**
   * The invited person becomes a member: a new user with this password, or, when the email has an
   * account already, that user (the password must be theirs) joins the invitation's workspace.
   */
  async function joinFromInvitation(invitation: InvitationRecord, password: string): Promise<UserRecord> {
    const existing = await ctx.control.getUserByEmail(invitation.email);
    if (existing) {
      if (!existing.passwordHash || !(await verifyPassword(password, existing.passwordHash))) {
        throw new AtomError('ATOM_ERR_AUTH_INVALID', 'this email has an account: give its password to join');
      }
      if (!(await ctx.control.addMember(invitation.workspaceId, existing.id, invitation.role, ctx.now()))) {
        throw new AtomError('ATOM_ERR_USER_EXISTS', `${invitation.email} is a member already`);
      }
      return existing;
    }
    const user: UserRecord = {
      id: randomUUID(),
      email: invitation.email,
      role: invitation.role,
      passwordHash: await hashPassword(password),
      createdAt: ctx.now(),
    };
    await ctx.control.createUser(user, invitation.workspaceId);
    return user;
  }

  app.post(
    '/api/v1/auth/invitation/accept',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary:
          'Accept an invitation: join its workspace with this password (an existing account: its own password), and log in (single use)',
        security: [],
        body: {
          type: 'object',
          properties: { token: INVITATION_TOKEN, password: CREDENTIALS.properties.password },
          required: ['token', 'password'],
          additionalProperties: false,
        },
        response: { 201: SESSION_ANSWER, 400: PROBLEM_REF, 401: PROBLEM_REF, 404: PROBLEM_REF, 409: PROBLEM_REF },
      },
    },
    async (request, reply) => {
      const { token, password } = request.body as { token: string; password: string };
      checkPassword(password);
      const invitation = await openInvitation(token);
      const user = await joinFromInvitation(invitation, password);
      // Single use: of two acceptances, or an acceptance racing a revocation, one wins; undo the loser.
      if (!(await ctx.control.markInvitationAccepted(invitation.id, ctx.now()))) {
        await ctx.control.deleteUser(invitation.workspaceId, user.id);
        throw new AtomError('ATOM_ERR_INVITATION_INVALID', 'this invitation link is unknown, used, revoked or expired');
      }
      await ctx.record(
        request,
        {
          action: 'invitation.accept',
          target: { type: 'user', id: user.id, name: user.email },
          data: { invitation: invitation.id, role: invitation.role },
        },
        invitation.workspaceId,
      );
      return reply.code(201).send(await openSession(request, reply, user));
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      config: { permission: 'account.self' },
      schema: {
        tags: ['auth'],
        summary: 'Who is calling; for a session, also its CSRF token',
        response: { 200: SESSION_ANSWER, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const cookie = request.cookies[SESSION_COOKIE];
      return {
        user: { id: principal.userId, email: principal.email, role: principal.role },
        via: principal.via,
        workspace: { id: principal.workspaceId, slug: principal.workspaceSlug },
        ...(principal.via === 'session' && cookie ? { csrfToken: csrfTokenOf(cookie) } : {}),
      };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { permission: 'account.self' },
      schema: {
        tags: ['auth'],
        summary: 'End this session (the cookie stops working at once)',
        response: { 204: { type: 'null' }, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      if (request.principal?.via === 'session') {
        await ctx.control.revokeSession(request.principal.credentialId, ctx.now());
        await ctx.record(request, {
          action: 'logout',
          target: { type: 'user', id: request.principal.userId, name: request.principal.email },
        });
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );
}
