/**
 * /api/v1/deliveries: received webhook deliveries. A delivery is the run it started (its request is
 * that run's `trigger`), so listing reads runs started by webhooks and replaying starts a new run
 * with the same request, outside the delivery-id dedupe.
 */
import type { RunRecord } from '@atom/engine';
import { AtomError } from '@atom/errors';
import type { FastifyInstance } from 'fastify';
import { AUTH_ERRORS, ID_PARAMS, listOf, PAGE_QUERY_PROPERTIES, PROBLEM_REF } from '../app/schemas.js';
import { workspaceOf } from '../auth/auth-hook.js';
import { listRunPage } from '../runs/run-page.js';
import { answerStarted, loadRun } from '../runs/run-routes.js';
import type { ServerContext } from '../server-context.js';
import { iso } from '../workflows/workflow-view.js';

interface WebhookTrigger {
  kind: 'webhook';
  path: string;
  method: string;
  deliveryId: string | null;
  headers: Record<string, string>;
  query: unknown;
  body: unknown;
  receivedAt: string;
}

function deliveryView(run: RunRecord) {
  const trigger = run.trigger as WebhookTrigger;
  return {
    id: run.id,
    runId: run.id,
    workflow: run.workflowName,
    path: trigger.path,
    method: trigger.method,
    deliveryId: trigger.deliveryId ?? null,
    receivedAt: trigger.receivedAt ?? iso(run.createdAt),
    status: run.status,
  };
}

const DELIVERY_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    runId: { type: 'string' },
    workflow: { type: 'string' },
    path: { type: 'string' },
    method: { type: 'string' },
    deliveryId: { type: ['string', 'null'] },
    receivedAt: { type: ['string', 'null'] },
    status: { type: 'string' },
  },
} as const;

export async function deliveryRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get(
    '/api/v1/deliveries',
    {
      config: { permission: 'deliveries.read' },
      schema: {
        tags: ['webhooks'],
        summary: 'Received webhook deliveries, newest first',
        querystring: {
          type: 'object',
          properties: { workflow: { type: 'string' }, ...PAGE_QUERY_PROPERTIES },
          additionalProperties: false,
        },
        response: {
          200: listOf(DELIVERY_SCHEMA, true),
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const query = request.query as { workflow?: string; cursor?: string; limit: number };
      const { runs, nextCursor } = await listRunPage(ctx, workspaceOf(request), query, { triggerKind: 'webhook' });
      return { items: runs.map(deliveryView), nextCursor };
    },
  );

  app.get(
    '/api/v1/deliveries/:id',
    {
      config: { permission: 'deliveries.read' },
      schema: {
        tags: ['webhooks'],
        summary: 'One delivery with its request (headers, query, body)',
        params: ID_PARAMS,
        response: {
          200: { type: 'object', properties: { ...DELIVERY_SCHEMA.properties, headers: {}, query: {}, body: {} } },
          404: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const run = await loadDelivery(ctx, (request.params as { id: string }).id, workspaceOf(request));
      const trigger = run.trigger as WebhookTrigger;
      return { ...deliveryView(run), headers: trigger.headers, query: trigger.query, body: trigger.body };
    },
  );

  app.post(
    '/api/v1/deliveries/:id/replay',
    {
      config: { permission: 'deliveries.replay' },
      schema: {
        tags: ['webhooks'],
        summary: 'Start a new run of the newest version with the same request',
        params: ID_PARAMS,
        response: {
          202: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' } } },
          404: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) => {
      if (ctx.closing()) throw new AtomError('ATOM_ERR_SERVER_UNAVAILABLE', 'the server is shutting down');
      const original = await loadDelivery(ctx, (request.params as { id: string }).id, workspaceOf(request));
      const trigger = { ...(original.trigger as WebhookTrigger), replayOfDelivery: original.id };
      const { workflowId: workflow, workspaceId, inputs } = original;
      const run = await ctx.engine.startRun({ workflow, workspaceId, inputs, trigger });
      return answerStarted(ctx, reply, run, undefined);
    },
  );
}

async function loadDelivery(ctx: ServerContext, id: string, workspaceId: string): Promise<RunRecord> {
  const run = await loadRun(ctx, id, workspaceId).catch(() => undefined);
  if (!run || (run.trigger as { kind?: string } | null)?.kind !== 'webhook') {
    throw new AtomError('ATOM_ERR_DELIVERY_NOT_FOUND', `no webhook delivery has id ${id}`);
  }
  return run;
}
