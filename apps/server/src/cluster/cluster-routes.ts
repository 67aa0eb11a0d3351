/**
 * /api/v1/workers and /api/v1/queue/stats: the worker registry (every process running a worker
 * records itself and beats a heartbeat) and the queue's figures, the same from every API process.
 */
import type { FastifyInstance } from 'fastify';
import { AUTH_ERRORS, listOf } from '../app/schemas.js';
import type { ServerContext } from '../server-context.js';
import { iso } from '../workflows/workflow-view.js';

export const WORKER_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    host: { type: 'string' },
    pid: { type: 'integer' },
    version: { type: 'string' },
    startedAt: { type: 'string' },
    heartbeatAt: { type: 'string' },
    concurrency: { type: 'integer', description: 'Steps it runs at most at once' },
    running: { type: 'integer', description: 'Steps it ran at its last heartbeat' },
    alive: { type: 'boolean', description: 'False once its heartbeat is older than ATOM_WORKER_DEAD_AFTER_MS' },
  },
} as const;

export async function clusterRoutes(app: FastifyInstance, ctx: ServerContext, workerStaleMs: number): Promise<void> {
  app.get(
    '/api/v1/workers',
    {
      config: { permission: 'runs.read' },
      schema: {
        tags: ['cluster'],
        summary: `Registered workers with their running steps; \`alive\` when the heartbeat is under ${workerStaleMs / 1000} s old (dead ones are listed for an hour, their steps recovered)`,
        response: { 200: listOf(WORKER_SCHEMA), ...AUTH_ERRORS },
      },
    },
    async () => {
      const now = ctx.now();
      const workers = await ctx.engine.store.listWorkers();
      return {
        items: workers.map((w) => ({
          ...w,
          startedAt: iso(w.startedAt),
          heartbeatAt: iso(w.heartbeatAt),
          alive: now - w.heartbeatAt <= workerStaleMs,
        })),
      };
    },
  );

  app.get(
    '/api/v1/queue/stats',
    {
      config: { permission: 'runs.read' },
      schema: {
        tags: ['cluster'],
        summary: 'Runs by status, steps in the queue by state, and how long the oldest due step has waited',
        response: {
          200: {
            type: 'object',
            properties: {
              runs: { type: 'object', additionalProperties: { type: 'integer' } },
              queue: { type: 'object', additionalProperties: { type: 'integer' } },
              oldestDueAt: { type: ['string', 'null'] },
              oldestDueAgeSeconds: { type: 'number' },
            },
          },
          ...AUTH_ERRORS,
        },
      },
    },
    async () => {
      const now = ctx.now();
      const stats = await ctx.control.runStats(now);
      return {
        runs: stats.runs,
        queue: stats.queue,
        oldestDueAt: iso(stats.oldestDueAt),
        oldestDueAgeSeconds: stats.oldestDueAt === null ? 0 : Math.max(0, (now - stats.oldestDueAt) / 1000),
      };
    },
  );
}
