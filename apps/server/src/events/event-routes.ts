/** POST /api/v1/events: raise an event for the workspace's `event` triggers and `wait` steps. */
import type { FastifyInstance } from 'fastify';
import { AUTH_ERRORS, PROBLEM_REF } from '../app/schemas.js';
import { workspaceOf } from '../auth/auth-hook.js';
import type { ServerContext } from '../server-context.js';
import type { EventDispatcher } from './event-dispatcher.js';

export async function eventRoutes(app: FastifyInstance, ctx: ServerContext, events: EventDispatcher): Promise<void> {
  app.post(
    '/api/v1/events',
    {
      config: { permission: 'events.raise' },
      schema: {
        tags: ['events'],
        summary: 'Raise an event: wakes waiting steps, starts runs of matching event triggers',
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            payload: { description: 'Any JSON; `$event` in trigger filters and `wait` steps.' },
            id: {
              type: 'string',
              minLength: 1,
              maxLength: 200,
              description: 'Idempotency key: the same id never starts a second run of a workflow.',
            },
          },
          required: ['name'],
          additionalProperties: false,
        },
        response: {
          202: {
            type: 'object',
            properties: { woken: { type: 'integer' }, started: { type: 'array', items: { type: 'string' } } },
          },
          400: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { name: string; payload?: unknown; id?: string };
      const raised = await events.raise(workspaceOf(request), body.name, body.payload ?? null, body.id);
      ctx.logger.info({ event: body.name, woken: raised.woken, started: raised.started.length }, 'event raised');
      return reply.code(202).send(raised);
    },
  );
}
