/**
 * GET /api/v1/stats: the Studio dashboard's figures for the last `minutes` (dashboard-stats.ts).
 * Read permission: whoever may read runs may read their totals.
 */
import type { FastifyInstance } from 'fastify';
import { AUTH_ERRORS, PROBLEM_REF } from '../app/schemas.js';
import { workspaceOf } from '../auth/auth-hook.js';
import { WORKER_SCHEMA } from '../cluster/cluster-routes.js';
import type { ServerContext } from '../server-context.js';
import { dashboardStats } from './dashboard-stats.js';

const COUNT = { type: 'integer' } as const;
const MS = { type: ['number', 'null'] } as const;
const DURATIONS = { count: COUNT, p50Ms: MS, p95Ms: MS, maxMs: MS } as const;

const STATS_SCHEMA = {
  type: 'object',
  properties: {
    window: {
      type: 'object',
      properties: {
        from: { type: 'string' },
        to: { type: 'string' },
        minutes: COUNT,
        bucketSeconds: COUNT,
      },
    },
    runsPerMinute: {
      type: 'array',
      description: 'One bucket per minute, oldest first: runs created, and runs that ended by final status.',
      items: {
        type: 'object',
        properties: { at: { type: 'string' }, started: COUNT, succeeded: COUNT, failed: COUNT, cancelled: COUNT },
      },
    },
    runs: {
      type: 'object',
      properties: {
        started: COUNT,
        succeeded: COUNT,
        failed: COUNT,
        cancelled: COUNT,
        successRate: {
          type: ['number', 'null'],
          description: 'succeeded / (succeeded + failed) of the runs that ended in the window.',
        },
      },
    },
    stepDuration: {
      type: 'object',
      description:
        'Steps that ended in the window (ms). count and maxMs are exact; p50Ms and p95Ms are nearest-rank percentiles read from a duration histogram, within 1/128 (0.8 %) of the exact value, exact below 128 ms (ADR 0020).',
      properties: DURATIONS,
    },
    slowestNodeTypes: {
      type: 'array',
      description:
        'Up to 10 node types, slowest p95 first; counts, failed and maxMs exact, meanMs to rounding, percentiles as stepDuration.',
      items: {
        type: 'object',
        properties: { nodeType: { type: 'string' }, failed: COUNT, meanMs: { type: 'number' }, ...DURATIONS },
      },
    },
    active: { type: 'object', properties: { queued: COUNT, running: COUNT, waiting: COUNT } },
    queue: {
      type: 'object',
      properties: {
        depth: { ...COUNT, description: 'Steps ready or retrying: waiting for a worker.' },
        ready: COUNT,
        retrying: COUNT,
        waiting: COUNT,
        running: COUNT,
        oldestDueAgeSeconds: { type: 'number' },
      },
    },
    workers: {
      type: 'object',
      properties: {
        total: COUNT,
        alive: COUNT,
        items: { type: 'array', items: WORKER_SCHEMA },
      },
    },
  },
} as const;

export async function statsRoutes(app: FastifyInstance, ctx: ServerContext, workerStaleMs: number): Promise<void> {
  app.get(
    '/api/v1/stats',
    {
      config: { permission: 'runs.read' },
      schema: {
        tags: ['cluster'],
        summary:
          "Dashboard of the request's workspace: runs per minute, success rate, p50/p95 step duration, slowest node types, queue depth; the installation's workers",
        querystring: {
          type: 'object',
          properties: {
            minutes: {
              type: 'integer',
              minimum: 1,
              maximum: 1440,
              default: 60,
              description: 'Length of the window, ending now, in minutes.',
            },
          },
          additionalProperties: false,
        },
        response: { 200: STATS_SCHEMA, 400: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const { minutes } = request.query as { minutes: number };
      const workspaceId = workspaceOf(request);
      return dashboardStats(ctx.control, ctx.engine.store, { now: ctx.now(), minutes, workerStaleMs, workspaceId });
    },
  );
}
