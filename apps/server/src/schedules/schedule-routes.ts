/** GET /api/v1/workflows/{idOrName}/schedules: each schedule trigger, its mark and next fire times. */
import { AtomError } from '@atom/errors';
import type { FastifyInstance } from 'fastify';
import { AUTH_ERRORS, ID_OR_NAME_PARAMS, PROBLEM_REF } from '../app/schemas.js';
import { workspaceOf } from '../auth/auth-hook.js';
import type { ServerContext } from '../server-context.js';
import { findWorkflow } from '../workflows/workflow-routes.js';
import { nextFireTimes, scheduleTriggerKey } from './plan/index.js';
import type { Scheduler } from './scheduler.js';

const iso = (ms: number) => new Date(ms).toISOString();

export async function scheduleRoutes(app: FastifyInstance, ctx: ServerContext, scheduler: Scheduler): Promise<void> {
  app.get(
    '/api/v1/workflows/:idOrName/schedules',
    {
      config: { permission: 'workflows.read' },
      schema: {
        tags: ['workflows'],
        summary: "The workflow's schedules: last fire time handled and the next fire times",
        params: ID_OR_NAME_PARAMS,
        querystring: {
          type: 'object',
          properties: { count: { type: 'integer', minimum: 1, maximum: 100, default: 5 } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              triggersEnabled: { type: 'boolean' },
              items: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          404: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const summary = await findWorkflow(
        ctx.control,
        (request.params as { idOrName: string }).idOrName,
        workspaceOf(request),
      );
      const { count } = request.query as { count: number };
      const record = await ctx.engine.store.getWorkflowVersion(summary.workflowId, summary.version);
      const triggers = ((record?.document as { triggers?: unknown[] })?.triggers ?? []) as Array<{
        schedule?: { cron?: string; rrule?: string; timezone?: string; catchUp?: 'none' | 'last' | 'all' };
      }>;
      const items = [];
      for (const [index, entry] of triggers.entries()) {
        if (!entry.schedule) continue;
        const trigger = entry.schedule;
        const key = scheduleTriggerKey(index, trigger);
        const compiled = scheduler.compiled({
          workflowId: summary.workflowId,
          workspaceId: summary.workspaceId,
          workflowName: summary.name,
          version: summary.version,
          index,
          trigger,
        });
        const mark = await ctx.control.getScheduleMark(summary.workflowId, key);
        const base = {
          index,
          key,
          ...trigger,
          timezone: trigger.timezone ?? 'UTC',
          catchUp: trigger.catchUp ?? 'last',
          lastFireAt: mark === undefined ? null : iso(mark),
        };
        if (compiled instanceof AtomError)
          items.push({ ...base, next: [], error: { code: compiled.code, message: compiled.message } });
        else
          items.push({
            ...base,
            next: summary.triggersEnabled ? nextFireTimes(compiled, ctx.now(), count).map(iso) : [],
          });
      }
      return { triggersEnabled: summary.triggersEnabled, items };
    },
  );
}
