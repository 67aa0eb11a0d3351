/**
 * /api/v1/secrets and /api/v1/variables of the workspace. A secret's value goes in (PUT) and is
 * never sent back: listings carry names and times only. Variables are plain configuration and are
 * listed with their values.
 */
import { AtomError } from '@atom/errors';
import type { FastifyInstance } from 'fastify';
import { AUTH_ERRORS, listOf, PROBLEM_REF } from '../app/schemas.js';
import { workspaceOf } from '../auth/auth-hook.js';
import type { ServerContext } from '../server-context.js';
import { iso } from '../workflows/workflow-view.js';

const NAME_PARAMS = {
  type: 'object',
  properties: {
    name: {
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_]{0,99}$',
      description: 'Read in expressions as `$secrets.NAME` / `$vars.NAME`.',
    },
  },
  required: ['name'],
  additionalProperties: false,
} as const;
const VALUE_BODY = {
  type: 'object',
  properties: { value: { type: 'string', maxLength: 65_536 } },
  required: ['value'],
  additionalProperties: false,
} as const;

export async function secretRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const secrets = ctx.secrets;

  app.get(
    '/api/v1/secrets',
    {
      config: { permission: 'secrets.read' },
      schema: {
        tags: ['secrets'],
        summary: "The workspace's secrets: names and times, never values",
        response: {
          200: listOf({
            type: 'object',
            properties: { name: { type: 'string' }, createdAt: { type: 'string' }, updatedAt: { type: 'string' } },
          }),
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const rows = await ctx.control.listSecrets(workspaceOf(request));
      return { items: rows.map((r) => ({ name: r.name, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) })) };
    },
  );

  app.get(
    '/api/v1/variables',
    {
      config: { permission: 'workflows.read' },
      schema: {
        tags: ['secrets'],
        summary: "The workspace's variables (`$vars`) with their values",
        response: {
          200: listOf({
            type: 'object',
            properties: { name: { type: 'string' }, value: { type: 'string' }, updatedAt: { type: 'string' } },
          }),
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const rows = await ctx.control.listVariables(workspaceOf(request));
      return { items: rows.map((r) => ({ name: r.name, value: r.value, updatedAt: iso(r.updatedAt) })) };
    },
  );

  /** PUT and DELETE of a secret or a variable: the same shape, each with its own permission and audit action. */
  const kinds = [
    {
      kind: 'secret',
      path: '/api/v1/secrets/:name',
      permission: 'secrets.write',
      setSummary: 'Set a secret (encrypted at rest; its value is never returned)',
      set: (ws: string, name: string, value: string) => secrets.setSecret(ws, name, value, ctx.now()),
      remove: (ws: string, name: string) => secrets.deleteSecret(ws, name),
    },
    {
      kind: 'variable',
      path: '/api/v1/variables/:name',
      permission: 'variables.write',
      setSummary: 'Set a variable',
      set: (ws: string, name: string, value: string) => secrets.setVariable(ws, name, value, ctx.now()),
      remove: (ws: string, name: string) => secrets.deleteVariable(ws, name),
    },
  ] as const;
  const SET_ANSWER = {
    type: 'object',
    properties: { name: { type: 'string' }, created: { type: 'boolean' } },
  } as const;

  for (const k of kinds) {
    app.put(
      k.path,
      {
        config: { permission: k.permission },
        schema: {
          tags: ['secrets'],
          summary: k.setSummary,
          params: NAME_PARAMS,
          body: VALUE_BODY,
          response: { 200: SET_ANSWER, 201: SET_ANSWER, 400: PROBLEM_REF, ...AUTH_ERRORS },
        },
      },
      async (request, reply) => {
        const { name } = request.params as { name: string };
        const created = await k.set(workspaceOf(request), name, (request.body as { value: string }).value);
        request.log.info({ [k.kind]: name, created, by: request.principal?.email }, `${k.kind} set`);
        await ctx.record(request, {
          action: `${k.kind}.set`,
          target: { type: k.kind, id: null, name },
          data: { created },
        });
        return reply.code(created ? 201 : 200).send({ name, created });
      },
    );

    app.delete(
      k.path,
      {
        config: { permission: k.permission },
        schema: {
          tags: ['secrets'],
          summary: `Delete a ${k.kind}`,
          params: NAME_PARAMS,
          response: { 204: { type: 'null' }, 404: PROBLEM_REF, ...AUTH_ERRORS },
        },
      },
      async (request, reply) => {
        const { name } = request.params as { name: string };
        if (!(await k.remove(workspaceOf(request), name))) {
          throw new AtomError('ATOM_ERR_SECRET_NOT_FOUND', `no ${k.kind} is named ${name}`);
        }
        request.log.info({ [k.kind]: name, by: request.principal?.email }, `${k.kind} deleted`);
        await ctx.record(request, { action: `${k.kind}.delete`, target: { type: k.kind, id: null, name } });
        return reply.code(204).send();
      },
    );
  }
}
