/**
 * /api/v1/runs and /api/v1/workflows/{idOrName}/runs: start (202, or the finished run with
 * `?wait=`), list with filters and cursor pagination, read with steps and events, cancel from any
 * state, replay from a step and/or on another version, and decide approvals.
 */
import type { RunFilter, RunRecord, RunStatus, TriggerKind } from '@atom/engine';
import { AtomError } from '@atom/errors';
import { canonicalJson } from '@atom/spec';
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  AUTH_ERRORS,
  ID_OR_NAME_PARAMS,
  ID_PARAMS,
  listOf,
  PAGE_QUERY_PROPERTIES,
  PROBLEM_REF,
} from '../app/schemas.js';
import { parseIsoTime } from '../audit/audit-filter.js';
import { workspaceOf } from '../auth/auth-hook.js';
import type { ServerContext } from '../server-context.js';
import { findWorkflow } from '../workflows/workflow-routes.js';
import { listRunPage } from './run-page.js';
import { RUN_SCHEMA, RUN_SUMMARY_SCHEMA, runSummaryView, runView } from './run-view.js';
import { waitForRunEnd } from './wait-for-run.js';

const TAGS = ['runs'];
const STATUSES: RunStatus[] = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'];
const TRIGGER_KINDS: TriggerKind[] = ['manual', 'webhook', 'schedule', 'event', 'child'];
const ACCEPTED = {
  type: 'object',
  properties: { id: { type: 'string' }, status: { type: 'string' } },
} as const;

/** A run of the workspace; another workspace's run is not found (404), so its id tells nothing. */
export async function loadRun(ctx: ServerContext, runId: string, workspaceId: string): Promise<RunRecord> {
  const run = await ctx.engine.store.getRun(runId);
  if (!run || run.workspaceId !== workspaceId) throw new AtomError('ATOM_ERR_RUN_NOT_FOUND', `no run has id ${runId}`);
  return run;
}

/** 202 `{ id, status }`, or — when `wait` seconds were asked and the run ended in time — 200 with the run. */
export async function answerStarted(
  ctx: ServerContext,
  reply: FastifyReply,
  run: RunRecord,
  waitSeconds: number | undefined,
) {
  if (waitSeconds !== undefined && waitSeconds > 0) {
    const ended = await waitForRunEnd(ctx.engine, ctx.bus, run.id, Math.min(waitSeconds, ctx.maxWaitSeconds) * 1000);
    if (ended && ['succeeded', 'failed', 'cancelled'].includes(ended.status)) {
      return reply.code(200).send(runView(ended, await ctx.engine.store.listSteps(run.id)));
    }
    run = ended ?? run;
  }
  reply.header('location', `/api/v1/runs/${run.id}`);
  return reply.code(202).send({ id: run.id, status: run.status });
}

function refuseWhenClosing(ctx: ServerContext): void {
  if (ctx.closing()) throw new AtomError('ATOM_ERR_SERVER_UNAVAILABLE', 'the server is shutting down');
}

export async function runRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { engine } = ctx;
  const waitQuery = {
    type: 'object',
    properties: {
      wait: {
        type: 'number',
        minimum: 0,
        description: 'Seconds to wait for the run to end; the answer is then 200 with the run.',
      },
    },
    additionalProperties: false,
  } as const;

  app.post(
    '/api/v1/workflows/:idOrName/runs',
    {
      config: { permission: 'runs.start' },
      schema: {
        tags: TAGS,
        summary: 'Start a run (202), or wait for its end with ?wait=<seconds>',
        params: ID_OR_NAME_PARAMS,
        querystring: waitQuery,
        headers: {
          type: 'object',
          properties: {
            'idempotency-key': {
              type: 'string',
              minLength: 1,
              maxLength: 255,
              description:
                'A client-chosen id of this start: a retried request with the same key starts no second run of the workflow and answers with the first one (header `idempotent-replayed: true`); the same key with other inputs or version is refused with 422 `ATOM_ERR_IDEMPOTENCY_KEY_REUSED`.',
            },
          },
        },
        body: {
          type: 'object',
          properties: {
            inputs: { description: 'Run inputs (checked against the workflow `inputs` schema).' },
            version: { type: 'integer', minimum: 1 },
            priority: {
              type: 'integer',
              minimum: -1000,
              maximum: 1000,
              description: 'Claim order against other runs, higher first; default the workflow `priority`, else 0.',
            },
          },
          additionalProperties: false,
        },
        response: { 200: RUN_SCHEMA, 202: ACCEPTED, 404: PROBLEM_REF, 422: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      refuseWhenClosing(ctx);
      const { idOrName } = request.params as { idOrName: string };
      const body = (request.body ?? {}) as { inputs?: unknown; version?: number; priority?: number };
      const summary = await findWorkflow(ctx.control, idOrName, workspaceOf(request));
      const start = {
        workflow: summary.workflowId,
        workspaceId: summary.workspaceId,
        inputs: body.inputs ?? {},
        trigger: { kind: 'manual', by: request.principal?.email ?? null },
        ...(body.version === undefined ? {} : { version: body.version }),
        ...(body.priority === undefined ? {} : { priority: body.priority }),
      };
      // A client that lost the answer (its API process died, a timeout) retries with the same key
      // and gets the run its first request started: exactly one run per key and workflow.
      const key = request.headers['idempotency-key'];
      const { run, created } =
        typeof key === 'string'
          ? await engine.startRunOnce({ ...start, dedupeKey: `api:${key}` })
          : { run: await engine.startRun(start), created: true };
      if (!created) {
        refuseOtherRequest(run, start.inputs, body.version);
        reply.header('idempotent-replayed', 'true');
      }
      return answerStarted(ctx, reply, run, (request.query as { wait?: number }).wait);
    },
  );

  app.get(
    '/api/v1/runs',
    {
      config: { permission: 'runs.read' },
      schema: {
        tags: TAGS,
        summary:
          'List runs, newest first, filtered by workflow, status, trigger, parent and creation time, paged by cursor',
        querystring: {
          type: 'object',
          properties: {
            workflow: { type: 'string', description: 'Workflow id or name.' },
            status: {
              type: 'array',
              items: { type: 'string' },
              description: 'One or more statuses (repeat, or comma-separated).',
            },
            trigger: { type: 'string', enum: TRIGGER_KINDS },
            parent: { type: 'string', description: 'Only child runs of this run.' },
            from: { type: 'string', description: 'Only runs created at or after this ISO 8601 time.' },
            to: { type: 'string', description: 'Only runs created before this ISO 8601 time (exclusive).' },
            ...PAGE_QUERY_PROPERTIES,
          },
          additionalProperties: false,
        },
        response: {
          200: listOf(RUN_SUMMARY_SCHEMA, true),
          400: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const query = request.query as {
        workflow?: string;
        status?: string[];
        trigger?: TriggerKind;
        parent?: string;
        from?: string;
        to?: string;
        cursor?: string;
        limit: number;
      };
      const statuses = (query.status ?? []).flatMap((s) => s.split(',')).filter((s) => s !== '');
      const unknown = statuses.find((s) => !STATUSES.includes(s as RunStatus));
      if (unknown !== undefined) {
        throw new AtomError('ATOM_ERR_REQUEST_INVALID', `querystring.status: unknown status "${unknown}"`, {
          details: [{ path: 'querystring.status', message: `expected one of ${STATUSES.join(', ')}` }],
        });
      }
      const filter: RunFilter = {};
      if (statuses.length > 0) filter.status = statuses as RunStatus[];
      if (query.trigger) filter.triggerKind = query.trigger;
      if (query.parent) filter.parentRunId = query.parent;
      Object.assign(filter, createdWindow(query));
      const { runs, nextCursor } = await listRunPage(ctx, workspaceOf(request), query, filter);
      return { items: runs.map(runSummaryView), nextCursor };
    },
  );

  app.get(
    '/api/v1/runs/:id',
    {
      config: { permission: 'runs.read' },
      schema: {
        tags: TAGS,
        summary: 'A run with its steps: status, attempts, timings, input, output, error',
        params: ID_PARAMS,
        response: { 200: RUN_SCHEMA, 404: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const run = await loadRun(ctx, (request.params as { id: string }).id, workspaceOf(request));
      return runView(run, await engine.store.listSteps(run.id));
    },
  );

  app.get(
    '/api/v1/runs/:id/events',
    {
      config: { permission: 'runs.read' },
      schema: {
        tags: TAGS,
        summary: "The run's event history, oldest first (after an event id to resume)",
        params: ID_PARAMS,
        querystring: {
          type: 'object',
          properties: { after: { type: 'integer', minimum: 0 } },
          additionalProperties: false,
        },
        response: {
          200: listOf({
            type: 'object',
            properties: {
              id: { type: 'integer' },
              type: { type: 'string' },
              stepKey: { type: ['string', 'null'] },
              data: {},
              at: { type: 'string' },
            },
          }),
          404: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const run = await loadRun(ctx, (request.params as { id: string }).id, workspaceOf(request));
      const events = await engine.store.listEvents(run.id, (request.query as { after?: number }).after);
      return { items: events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })) };
    },
  );

  app.post(
    '/api/v1/runs/:id/cancel',
    {
      config: { permission: 'runs.cancel' },
      schema: {
        tags: TAGS,
        summary: 'Cancel a run from any state (a run that already ended is left as it is)',
        params: ID_PARAMS,
        response: {
          200: {
            type: 'object',
            properties: { id: { type: 'string' }, status: { type: 'string' }, cancelled: { type: 'boolean' } },
          },
          404: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      await loadRun(ctx, id, workspaceOf(request));
      const cancelled = await engine.cancelRun(id, `cancelled by ${request.principal?.email ?? 'request'}`);
      const run = await loadRun(ctx, id, workspaceOf(request));
      return { id, status: run.status, cancelled };
    },
  );

  app.post(
    '/api/v1/runs/:id/replay',
    {
      config: { permission: 'runs.replay' },
      schema: {
        tags: TAGS,
        summary:
          'Start a new run that reuses the outputs of the steps before `fromStep`, optionally on another version',
        params: ID_PARAMS,
        querystring: waitQuery,
        body: {
          type: 'object',
          properties: { fromStep: { type: 'string', minLength: 1 }, version: { type: 'integer', minimum: 1 } },
          additionalProperties: false,
        },
        response: { 200: RUN_SCHEMA, 202: ACCEPTED, 404: PROBLEM_REF, 422: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      refuseWhenClosing(ctx);
      const { id } = request.params as { id: string };
      const body = (request.body ?? {}) as { fromStep?: string; version?: number };
      await loadRun(ctx, id, workspaceOf(request));
      const run = await engine.replayRun(id, body);
      return answerStarted(ctx, reply, run, (request.query as { wait?: number }).wait);
    },
  );

  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/api/v1/runs/:id/steps/:stepKey/${decision}`,
      {
        config: { permission: 'approvals.decide' },
        schema: {
          tags: TAGS,
          summary: `${decision === 'approve' ? 'Approve' : 'Reject'} a waiting approval step`,
          params: {
            type: 'object',
            properties: { id: { type: 'string', minLength: 1 }, stepKey: { type: 'string', minLength: 1 } },
            required: ['id', 'stepKey'],
            additionalProperties: false,
          },
          body: {
            type: ['object', 'null'],
            properties: { comment: { type: 'string', maxLength: 10_000 } },
            additionalProperties: false,
          },
          response: {
            200: {
              type: 'object',
              properties: {
                runId: { type: 'string' },
                stepKey: { type: 'string' },
                decision: { type: 'string' },
                by: { type: 'string' },
              },
            },
            404: PROBLEM_REF,
            409: PROBLEM_REF,
            ...AUTH_ERRORS,
          },
        },
      },
      async (request) => {
        const { id, stepKey } = request.params as { id: string; stepKey: string };
        const comment = (request.body as { comment?: string } | null)?.comment;
        const by = request.principal?.email ?? 'unknown';
        const outcome = decision === 'approve' ? 'approved' : 'rejected';
        await loadRun(ctx, id, workspaceOf(request));
        await engine.decideApproval(id, stepKey, {
          decision: outcome,
          by,
          ...(comment === undefined ? {} : { comment }),
        });
        return { runId: id, stepKey, decision: outcome, by };
      },
    );
  }
}

/** `from` / `to` of the runs list as epoch ms; each bad one is named in one ATOM_ERR_REQUEST_INVALID. */
function createdWindow(query: { from?: string; to?: string }): Pick<RunFilter, 'createdFrom' | 'createdTo'> {
  const details: { path: string; message: string }[] = [];
  const time = (field: 'from' | 'to'): number | undefined => {
    const value = query[field];
    if (value === undefined) return undefined;
    const ms = parseIsoTime(value);
    if (ms === undefined) {
      details.push({ path: `querystring.${field}`, message: 'must be an ISO 8601 date or date-time with a zone' });
    }
    return ms;
  };
  const createdFrom = time('from');
  const createdTo = time('to');
  if (details.length > 0) {
    throw new AtomError('ATOM_ERR_REQUEST_INVALID', details.map((d) => d.path).join(', ') + ' invalid', { details });
  }
  return {
    ...(createdFrom === undefined ? {} : { createdFrom }),
    ...(createdTo === undefined ? {} : { createdTo }),
  };
}

/**
 * A key names one request: a retry must repeat it. The same key with other inputs (or another
 * explicit version) is a client bug that would silently lose the second request's data.
 */
function refuseOtherRequest(run: RunRecord, inputs: unknown, version: number | undefined): void {
  const sameInputs = canonicalJson(run.inputs) === canonicalJson(inputs);
  if (sameInputs && (version === undefined || version === run.version)) return;
  throw new AtomError(
    'ATOM_ERR_IDEMPOTENCY_KEY_REUSED',
    `Idempotency-Key already started run ${run.id} with ${sameInputs ? `version ${run.version}` : 'other inputs'}`,
    {
      details: [
        { path: sameInputs ? 'body.version' : 'body.inputs', message: 'differs from the first request with this key' },
      ],
    },
  );
}
