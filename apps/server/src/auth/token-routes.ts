/**
 * /api/v1/tokens: a caller's own API tokens — list (never the token, only its name, role, times),
 * create (the token is in this one answer only; its role may be narrowed below the caller's, and it
 * may expire), revoke. Members who manage the workspace also list (`?all=true`) and revoke anyone's.
 * A token belongs to the workspace it was created in (the request's) and acts only there; tokens of
 * other workspaces are neither listed nor revoked from here.
 */
import { AtomError } from '@atom/errors';
import type { ApiTokenRecord } from '@atom/store';
import type { FastifyInstance } from 'fastify';
import { ROLES, roleAllows } from '../app/permissions.js';
import { AUTH_ERRORS, ID_PARAMS, listOf, PROBLEM_REF } from '../app/schemas.js';
import type { ServerContext } from '../server-context.js';
import { iso } from '../workflows/workflow-view.js';
import { issueApiToken } from './api-tokens.js';
import { principalOf } from './auth-hook.js';

const TAGS = ['tokens'];
const TOKEN_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    userId: { type: 'string' },
    workspaceId: { type: 'string', description: 'The one workspace it acts in' },
    name: { type: 'string' },
    role: { type: ['string', 'null'], description: "Narrowed role; null: the user's own" },
    createdAt: { type: 'string' },
    expiresAt: { type: ['string', 'null'] },
    lastUsedAt: { type: ['string', 'null'], description: 'Updated at most once a minute' },
    revokedAt: { type: ['string', 'null'] },
  },
} as const;

export const tokenView = (t: ApiTokenRecord) => ({
  id: t.id,
  userId: t.userId,
  workspaceId: t.workspaceId,
  name: t.name,
  role: t.role,
  createdAt: iso(t.createdAt),
  expiresAt: iso(t.expiresAt),
  lastUsedAt: iso(t.lastUsedAt),
  revokedAt: iso(t.revokedAt),
});

export async function tokenRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get(
    '/api/v1/tokens',
    {
      config: { permission: 'account.self' },
      schema: {
        tags: TAGS,
        summary: "Your API tokens (with all=true, everyone's: needs members.manage); tokens themselves are never shown",
        querystring: {
          type: 'object',
          properties: { all: { type: 'boolean' } },
          additionalProperties: false,
        },
        response: { 200: listOf(TOKEN_SCHEMA), ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const caller = principalOf(request);
      const { all } = request.query as { all?: boolean };
      if (all && !roleAllows(caller.role, 'members.manage')) {
        throw new AtomError('ATOM_ERR_FORBIDDEN', `the role ${caller.role} does not grant members.manage`);
      }
      const rows = await ctx.control.listApiTokens(caller.workspaceId, all ? undefined : caller.userId);
      return { items: rows.map(tokenView) };
    },
  );

  app.post(
    '/api/v1/tokens',
    {
      config: { permission: 'account.self' },
      schema: {
        tags: TAGS,
        summary: 'Create an API token for yourself in this workspace; the answer is the only place the token appears',
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
            role: { type: 'string', enum: [...ROLES], description: 'At most your own role' },
            expiresInDays: { type: 'integer', minimum: 1, maximum: 3650 },
          },
          required: ['name'],
          additionalProperties: false,
        },
        response: {
          201: { type: 'object', properties: { ...TOKEN_SCHEMA.properties, token: { type: 'string' } } },
          400: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const caller = principalOf(request);
      const body = request.body as { name: string; role?: ApiTokenRecord['role']; expiresInDays?: number };
      // The caller's role is the one in force: a narrowed token makes tokens as narrow as itself.
      const user = { id: caller.userId, email: caller.email, role: caller.role };
      const { token, record } = await issueApiToken(ctx.control, {
        user,
        workspaceId: caller.workspaceId,
        name: body.name,
        role: body.role ?? (caller.narrowed ? caller.role : null),
        expiresInDays: body.expiresInDays ?? null,
        now: ctx.now(),
      });
      await ctx.record(request, {
        action: 'apiToken.create',
        target: { type: 'apiToken', id: record.id, name: record.name },
        data: { user: user.email, role: record.role, expiresAt: record.expiresAt },
      });
      return reply.code(201).send({ ...tokenView(record), token });
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { permission: 'account.self' },
      schema: {
        tags: TAGS,
        summary: "Revoke an API token: yours, or anyone's with members.manage (it stops working at once)",
        params: ID_PARAMS,
        response: { 204: { type: 'null' }, 404: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const caller = principalOf(request);
      const { id } = request.params as { id: string };
      const target = await ctx.control.getApiToken(id);
      const mayRevoke = target?.userId === caller.userId || roleAllows(caller.role, 'members.manage');
      if (
        !target ||
        target.workspaceId !== caller.workspaceId ||
        !mayRevoke ||
        !(await ctx.control.revokeApiToken(id, ctx.now()))
      ) {
        throw new AtomError('ATOM_ERR_TOKEN_NOT_FOUND', `no API token you may revoke has the id ${id}`);
      }
      await ctx.record(request, {
        action: 'apiToken.revoke',
        target: { type: 'apiToken', id, name: target.name },
        data: { user: target.userId },
      });
      return reply.code(204).send();
    },
  );
}
