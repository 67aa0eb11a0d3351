/**
 * The dead-letter view: runs that failed for good, with the steps that failed and why, and a bulk
 * replay (`POST /api/v1/dlq/replay`) that starts a new run of each from its first failed step,
 * reusing the outputs of the steps before it.
 */
import type { RunRecord } from '@atom/engine';
import { AtomError } from '@atom/errors';
import type { FastifyInstance } from 'fastify';
import { AUTH_ERRORS, listOf, PAGE_QUERY_PROPERTIES, PROBLEM_REF } from '../app/schemas.js';
import { workspaceOf } from '../auth/auth-hook.js';
import { listRunPage } from '../runs/run-page.js';
import type { ServerContext } from '../server-context.js';
import { iso } from '../workflows/workflow-view.js';

/** One bulk replay handles at most this many runs; page through with more calls. */
export const MAX_REPLAY = 500;

async function failedSteps(ctx: ServerContext, run: RunRecord) {
  const steps = await ctx.engine.store.listSteps(run.id);
  return steps
    .filter((step) => step.status === 'failed')
    .map((step) => ({
      key: step.key,
      stepId: step.stepId,
      attempt: step.attempt,
      error: step.error,
      topLevel: step.scope === '' && step.kind === 'step',
    }));
}

export async function dlqRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get(
    '/api/v1/dlq',
    {
      config: { permission: 'runs.read' },
      schema: {
        tags: ['runs'],
        summary: 'Runs that failed for good, newest first, with their failed steps and errors',
        querystring: {
          type: 'object',
          properties: { workflow: { type: 'string' }, ...PAGE_QUERY_PROPERTIES },
          additionalProperties: false,
        },
        response: {
          200: {
            ...listOf(
              {
                type: 'object',
                properties: {
                  runId: { type: 'string' },
                  workflow: { type: 'string' },
                  version: { type: 'integer' },
                  error: {},
                  failedAt: { type: ['string', 'null'] },
                  steps: { type: 'array', items: { type: 'object', additionalProperties: true } },
                },
              },
              true,
            ),
          },
          400: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const query = request.query as { workflow?: string; cursor?: string; limit: number };
      const { runs, nextCursor } = await listRunPage(ctx, workspaceOf(request), query, { status: ['failed'] });
      const items = [];
      for (const run of runs) {
        items.push({
          runId: run.id,
          workflow: run.workflowName,
          version: run.version,
          error: run.error,
          failedAt: iso(run.finishedAt),
          steps: await failedSteps(ctx, run),
        });
      }
      return { items, nextCursor };
    },
  );

  app.post(
    '/api/v1/dlq/replay',
    {
      config: { permission: 'runs.replay' },
      schema: {
        tags: ['runs'],
        summary: `Replay failed runs in bulk (by id, or every failed run of a workflow; at most ${MAX_REPLAY})`,
        body: {
          type: 'object',
          properties: {
            runIds: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, maxItems: MAX_REPLAY },
            workflow: { type: 'string', minLength: 1 },
            fromFailedStep: {
              type: 'boolean',
              default: true,
              description: 'Start each replay at its first failed top-level step (else from the start).',
            },
            version: { type: 'integer', minimum: 1, description: 'Replay on this version instead of the original.' },
          },
          additionalProperties: false,
        },
        response: {
          202: {
            type: 'object',
            properties: {
              replayed: {
                type: 'array',
                items: { type: 'object', properties: { runId: { type: 'string' }, newRunId: { type: 'string' } } },
              },
              refused: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { runId: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
                },
              },
            },
          },
          400: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { runIds?: string[]; workflow?: string; fromFailedStep: boolean; version?: number };
      if ((body.runIds === undefined) === (body.workflow === undefined)) {
        throw new AtomError('ATOM_ERR_REQUEST_INVALID', 'give either runIds or workflow', {
          details: [{ path: 'body', message: 'expected exactly one of runIds, workflow' }],
        });
      }
      if (ctx.closing()) throw new AtomError('ATOM_ERR_SERVER_UNAVAILABLE', 'the server is shutting down');
      const workspaceId = workspaceOf(request);
      // Another workspace's run is refused like an unknown one.
      const ours = (run: RunRecord | undefined) => (run?.workspaceId === workspaceId ? run : undefined);
      const byWorkflow = { workflow: body.workflow as string, limit: MAX_REPLAY };
      const targets: { id: string; run: RunRecord | undefined }[] = body.runIds
        ? await Promise.all(body.runIds.map(async (id) => ({ id, run: ours(await ctx.engine.store.getRun(id)) })))
        : (await listRunPage(ctx, workspaceId, byWorkflow, { status: ['failed'] })).runs.map((run) => ({
            id: run.id,
            run,
          }));
      const replayed: { runId: string; newRunId: string }[] = [];
      const refused: { runId: string; code: string; message: string }[] = [];
      for (const { id, run } of targets) {
        if (!run) {
          refused.push({ runId: id, code: 'ATOM_ERR_RUN_NOT_FOUND', message: `no run has id ${id}` });
          continue;
        }
        if (run.status !== 'failed') {
          refused.push({
            runId: id,
            code: 'ATOM_ERR_REQUEST_INVALID',
            message: `the run is ${run.status}, not failed`,
          });
          continue;
        }
        try {
          const first = body.fromFailedStep ? (await failedSteps(ctx, run)).find((step) => step.topLevel) : undefined;
          const started = await ctx.engine.replayRun(run.id, {
            ...(first ? { fromStep: first.stepId } : {}),
            ...(body.version === undefined ? {} : { version: body.version }),
          });
          replayed.push({ runId: run.id, newRunId: started.id });
        } catch (error) {
          if (!(error instanceof AtomError)) throw error;
          refused.push({ runId: run.id, code: error.code, message: error.message });
        }
      }
      request.log.info({ replayed: replayed.length, refused: refused.length }, 'dead-letter replay');
      return reply.code(202).send({ replayed, refused });
    },
  );
}
