/**
 * /api/v1/workspace/retention: how long the data of finished runs is kept (days, or null: for
 * ever). Everyone may read it; owners and admins change it, and the change is audited. The pruner
 * reads the setting at each pass, so a change applies from the next one.
 */
import type { FastifyInstance } from 'fastify';
import { AUTH_ERRORS, PROBLEM_REF } from '../app/schemas.js';
import { workspaceOf } from '../auth/auth-hook.js';
import type { ServerContext } from '../server-context.js';

const ANSWER = {
  type: 'object',
  properties: {
    runDays: { type: ['integer', 'null'] },
    updatedAt: { type: ['string', 'null'] },
  },
} as const;

export async function retentionRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const view = (settings: { runDays: number | null; updatedAt: number } | undefined) => ({
    runDays: settings?.runDays ?? null,
    updatedAt: settings ? new Date(settings.updatedAt).toISOString() : null,
  });

  app.get(
    '/api/v1/workspace/retention',
    {
      config: { permission: 'account.self' },
      schema: {
        tags: ['workspace'],
        summary: 'How long the data of finished runs is kept',
        response: { 200: ANSWER, ...AUTH_ERRORS },
      },
    },
    async (request) => view(await ctx.control.getRetention(workspaceOf(request))),
  );

  app.put(
    '/api/v1/workspace/retention',
    {
      config: { permission: 'settings.write' },
      schema: {
        tags: ['workspace'],
        summary: 'Keep finished runs this many days (null: for ever); older ones are pruned',
        body: {
          type: 'object',
          properties: { runDays: { type: ['integer', 'null'], minimum: 1, maximum: 36_500 } },
          required: ['runDays'],
          additionalProperties: false,
        },
        response: { 200: ANSWER, 400: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const { runDays } = request.body as { runDays: number | null };
      const workspaceId = workspaceOf(request);
      const settings = { workspaceId, runDays, updatedAt: ctx.now() };
      await ctx.control.putRetention(settings);
      await ctx.record(request, {
        action: 'settings.retention',
        target: { type: 'workspace', id: workspaceId, name: null },
        data: { runDays },
      });
      return view(settings);
    },
  );
}
