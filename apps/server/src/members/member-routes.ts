/**
 * /api/v1/members and /api/v1/invitations: who is in the workspace, with which role.
 *
 * Rules beyond the route permissions: nobody grants a role above their own, only an owner grants,
 * takes or removes the owner role, and the last owner cannot be demoted or removed (the store
 * checks that in the same statement as the change). Removing a member deletes their user with its
 * tokens and sessions, so every credential they had stops at once. An invitation is a single-use
 * link whose token appears only in the answer that creates it; it is accepted through
 * /api/v1/auth/invitation/accept.
 */
import { randomUUID } from 'node:crypto';
import { AtomError } from '@atom/errors';
import type { InvitationRecord, MemberChange, UserRecord, UserRole } from '@atom/store';
import type { FastifyInstance } from 'fastify';
import { ROLES, roleCovers } from '../app/permissions.js';
import { AUTH_ERRORS, ID_PARAMS, listOf, PROBLEM_REF } from '../app/schemas.js';
import { type Principal, principalOf, workspaceOf } from '../auth/auth-hook.js';
import type { ServerContext } from '../server-context.js';
import { iso } from '../workflows/workflow-view.js';
import { generateInvitationToken, hashInvitationToken, INVITATION_PATH, invitationStatus } from './invitations.js';

const TAGS = ['members'];
const HOUR_MS = 3_600_000;
const DEFAULT_INVITATION_HOURS = 72;
const ROLE = { type: 'string', enum: [...ROLES] } as const;
const MEMBER_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string' },
    sso: { type: 'boolean', description: 'Logs in through single sign-on only (no password)' },
    createdAt: { type: 'string' },
  },
} as const;
const INVITATION_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string' },
    status: { type: 'string', enum: ['open', 'accepted', 'revoked', 'expired'] },
    invitedBy: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    expiresAt: { type: 'string' },
    acceptedAt: { type: ['string', 'null'] },
    revokedAt: { type: ['string', 'null'] },
  },
} as const;

const memberView = (u: UserRecord) => ({
  id: u.id,
  email: u.email,
  role: u.role,
  sso: u.passwordHash === null,
  createdAt: iso(u.createdAt),
});

const invitationView = (i: InvitationRecord, now: number) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  status: invitationStatus(i, now),
  invitedBy: i.invitedBy,
  createdAt: iso(i.createdAt),
  expiresAt: iso(i.expiresAt),
  acceptedAt: iso(i.acceptedAt),
  revokedAt: iso(i.revokedAt),
});

/** Refuses to hand out `role` (or act on a member holding it) above what the caller holds. */
function checkRole(caller: Principal, role: UserRole, what: string): void {
  if (!roleCovers(caller.role, role) || (role === 'owner' && caller.role !== 'owner')) {
    throw new AtomError('ATOM_ERR_ROLE_TOO_HIGH', `the role ${caller.role} cannot ${what} the role ${role}`);
  }
}

function changed(result: MemberChange, id: string): void {
  if (result === 'not-found') throw new AtomError('ATOM_ERR_USER_NOT_FOUND', `no member has the id ${id}`);
  if (result === 'last-owner') {
    throw new AtomError('ATOM_ERR_MEMBER_LAST_OWNER', 'the workspace needs an owner; make another member owner first');
  }
}

export async function memberRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  /** A member of the request's workspace, with their role there (another workspace's user: not found). */
  async function loadMember(workspaceId: string, id: string): Promise<UserRecord> {
    const user = await ctx.control.getUser(id);
    const role = user && (await ctx.control.getMembership(workspaceId, id));
    if (!user || !role) throw new AtomError('ATOM_ERR_USER_NOT_FOUND', `no member has the id ${id}`);
    return { ...user, role };
  }

  app.get(
    '/api/v1/members',
    {
      config: { permission: 'members.read' },
      schema: {
        tags: TAGS,
        summary: 'The members of the workspace and their roles',
        response: { 200: listOf(MEMBER_SCHEMA), ...AUTH_ERRORS },
      },
    },
    async (request) => ({ items: (await ctx.control.listUsers(workspaceOf(request))).map(memberView) }),
  );

  app.patch(
    '/api/v1/members/:id',
    {
      config: { permission: 'members.manage' },
      schema: {
        tags: TAGS,
        summary: "Change a member's role",
        params: ID_PARAMS,
        body: { type: 'object', properties: { role: ROLE }, required: ['role'], additionalProperties: false },
        response: { 200: MEMBER_SCHEMA, 400: PROBLEM_REF, 404: PROBLEM_REF, 409: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const caller = principalOf(request);
      const { id } = request.params as { id: string };
      const { role } = request.body as { role: UserRole };
      const member = await loadMember(caller.workspaceId, id);
      checkRole(caller, member.role, 'change a member with');
      checkRole(caller, role, 'grant');
      changed(await ctx.control.setUserRole(caller.workspaceId, id, role), id);
      await ctx.record(request, {
        action: 'member.role',
        target: { type: 'user', id, name: member.email },
        data: { from: member.role, to: role },
      });
      return memberView({ ...member, role });
    },
  );

  app.delete(
    '/api/v1/members/:id',
    {
      config: { permission: 'members.manage' },
      schema: {
        tags: TAGS,
        summary:
          'Remove a member: their membership and API tokens of this workspace go at once (the user too, with their sessions, when it was their last workspace)',
        params: ID_PARAMS,
        response: { 204: { type: 'null' }, 404: PROBLEM_REF, 409: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const caller = principalOf(request);
      const { id } = request.params as { id: string };
      const member = await loadMember(caller.workspaceId, id);
      checkRole(caller, member.role, 'remove a member with');
      changed(await ctx.control.deleteUser(caller.workspaceId, id), id);
      await ctx.record(request, {
        action: 'member.remove',
        target: { type: 'user', id, name: member.email },
        data: { role: member.role },
      });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/invitations',
    {
      config: { permission: 'members.manage' },
      schema: {
        tags: TAGS,
        summary: 'Invitations, newest first, with their status',
        response: { 200: listOf(INVITATION_SCHEMA), ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const now = ctx.now();
      return { items: (await ctx.control.listInvitations(workspaceOf(request))).map((i) => invitationView(i, now)) };
    },
  );

  app.post(
    '/api/v1/invitations',
    {
      config: { permission: 'members.manage' },
      schema: {
        tags: TAGS,
        summary: 'Invite someone: the answer holds the single-use link, shown only now',
        body: {
          type: 'object',
          properties: {
            email: { type: 'string', minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' },
            role: ROLE,
            expiresInHours: { type: 'integer', minimum: 1, maximum: 24 * 30 },
          },
          required: ['email', 'role'],
          additionalProperties: false,
        },
        response: {
          201: {
            type: 'object',
            properties: {
              ...INVITATION_SCHEMA.properties,
              token: { type: 'string' },
              path: { type: 'string', description: 'Where the Studio accepts it: append to the server address' },
            },
          },
          400: PROBLEM_REF,
          409: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const caller = principalOf(request);
      const body = request.body as { email: string; role: UserRole; expiresInHours?: number };
      checkRole(caller, body.role, 'invite with');
      const existing = await ctx.control.getUserByEmail(body.email);
      if (existing && (await ctx.control.getMembership(caller.workspaceId, existing.id))) {
        throw new AtomError('ATOM_ERR_USER_EXISTS', `${body.email} is a member already`);
      }
      const token = generateInvitationToken();
      const now = ctx.now();
      const invitation: InvitationRecord = {
        id: randomUUID(),
        workspaceId: caller.workspaceId,
        email: body.email,
        role: body.role,
        tokenHash: hashInvitationToken(token),
        invitedBy: caller.userId,
        createdAt: now,
        expiresAt: now + (body.expiresInHours ?? DEFAULT_INVITATION_HOURS) * HOUR_MS,
        acceptedAt: null,
        revokedAt: null,
      };
      await ctx.control.createInvitation(invitation);
      await ctx.record(request, {
        action: 'invitation.create',
        target: { type: 'invitation', id: invitation.id, name: invitation.email },
        data: { role: invitation.role, expiresAt: invitation.expiresAt },
      });
      return reply.code(201).send({ ...invitationView(invitation, now), token, path: `${INVITATION_PATH}#${token}` });
    },
  );

  app.delete(
    '/api/v1/invitations/:id',
    {
      config: { permission: 'members.manage' },
      schema: {
        tags: TAGS,
        summary: 'Revoke an open invitation (its link stops working)',
        params: ID_PARAMS,
        response: { 204: { type: 'null' }, 404: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!(await ctx.control.revokeInvitation(workspaceOf(request), id, ctx.now()))) {
        throw new AtomError('ATOM_ERR_INVITATION_INVALID', `no open invitation has the id ${id}`);
      }
      await ctx.record(request, { action: 'invitation.revoke', target: { type: 'invitation', id, name: null } });
      return reply.code(204).send();
    },
  );
}
