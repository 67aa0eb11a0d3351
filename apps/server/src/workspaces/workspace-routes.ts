/**
 * /api/v1/workspaces and /api/v1/workspace (ADR 0015): the workspaces you belong to, creating one
 * (any signed-in user may; they become its owner), and the workspace a request acts in — read it,
 * rename it. Which one that is comes from the credential (a token's own) or the `Atom-Workspace`
 * header (a session's; default its first), see auth-hook.ts. Slugs never change, so webhook URLs
 * (`/hooks/@{slug}/…`) and CLI flags stay valid; names do.
 */
import { randomUUID } from 'node:crypto';
import { AtomError } from '@atom/errors';
import type { WorkspaceRecord } from '@atom/store';
import type { FastifyInstance } from 'fastify';
import { AUTH_ERRORS, listOf, PROBLEM_REF } from '../app/schemas.js';
import { principalOf } from '../auth/auth-hook.js';
import type { ServerContext } from '../server-context.js';
import { iso } from '../workflows/workflow-view.js';

const TAGS = ['workspaces'];
/** What a slug may be: it names the workspace in headers, URLs and the CLI. */
export const WORKSPACE_SLUG_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$';
const NAME = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } as const;
const WORKSPACE_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    slug: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', description: 'Your role in it' },
    createdAt: { type: 'string' },
  },
} as const;

const workspaceView = (w: WorkspaceRecord, role: string) => ({
  id: w.id,
  slug: w.slug,
  name: w.name,
  role,
  createdAt: iso(w.createdAt),
});

export async function workspaceRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get(
    '/api/v1/workspaces',
    {
      config: { permission: 'account.self' },
      schema: {
        tags: TAGS,
        summary: 'The workspaces you are a member of, in the order you joined them, with your role in each',
        response: { 200: listOf(WORKSPACE_SCHEMA), ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const memberships = await ctx.control.listMemberships(principalOf(request).userId);
      return { items: memberships.map((m) => workspaceView(m, m.role)) };
    },
  );

  app.post(
    '/api/v1/workspaces',
    {
      config: { permission: 'account.self' },
      schema: {
        tags: TAGS,
        summary: 'Create a workspace: you become its owner (send `Atom-Workspace: <slug>` to act in it)',
        body: {
          type: 'object',
          properties: { slug: { type: 'string', pattern: WORKSPACE_SLUG_PATTERN }, name: NAME },
          required: ['slug'],
          additionalProperties: false,
        },
        response: { 201: WORKSPACE_SCHEMA, 400: PROBLEM_REF, 409: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const caller = principalOf(request);
      // A token narrowed below its user would otherwise make its holder the owner of something new.
      if (caller.narrowed) {
        throw new AtomError('ATOM_ERR_FORBIDDEN', 'a token narrowed to a lower role cannot create workspaces');
      }
      const body = request.body as { slug: string; name?: string };
      const workspace = { id: randomUUID(), slug: body.slug, name: body.name ?? body.slug, createdAt: ctx.now() };
      await ctx.control.createWorkspace(workspace, caller.userId);
      await ctx.record(
        request,
        {
          action: 'workspace.create',
          target: { type: 'workspace', id: workspace.id, name: workspace.slug },
          data: { name: workspace.name },
        },
        workspace.id,
      );
      return reply.code(201).send(workspaceView(workspace, 'owner'));
    },
  );

  app.get(
    '/api/v1/workspace',
    {
      config: { permission: 'account.self' },
      schema: {
        tags: TAGS,
        summary: 'The workspace this request acts in, with your role there',
        response: { 200: WORKSPACE_SCHEMA, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const caller = principalOf(request);
      const workspace = await ctx.control.getWorkspace(caller.workspaceId);
      if (!workspace) throw new AtomError('ATOM_ERR_WORKSPACE_NOT_FOUND', 'the workspace was removed');
      return workspaceView(workspace, caller.role);
    },
  );

  app.patch(
    '/api/v1/workspace',
    {
      config: { permission: 'settings.write' },
      schema: {
        tags: TAGS,
        summary: 'Rename the workspace this request acts in (its slug stays)',
        body: { type: 'object', properties: { name: NAME }, required: ['name'], additionalProperties: false },
        response: { 200: WORKSPACE_SCHEMA, 400: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const caller = principalOf(request);
      const { name } = request.body as { name: string };
      const before = await ctx.control.getWorkspace(caller.workspaceId);
      if (!before || !(await ctx.control.renameWorkspace(before.id, name))) {
        throw new AtomError('ATOM_ERR_WORKSPACE_NOT_FOUND', 'the workspace was removed');
      }
      await ctx.record(request, {
        action: 'workspace.rename',
        target: { type: 'workspace', id: before.id, name: before.slug },
        data: { from: before.name, to: name },
      });
      return workspaceView({ ...before, name }, caller.role);
    },
  );
}
