/**
 * /api/v1/workspace/limits: the workspace's tier, its effective limits and current usage; owners
 * and admins change the tier (and per-workspace overrides) at run time.
 */
import type { FastifyInstance } from 'fastify';
import { AUTH_ERRORS, PROBLEM_REF } from '../app/schemas.js';
import { workspaceOf } from '../auth/auth-hook.js';
import type { ServerContext } from '../server-context.js';
import { TIERS, type TierLimits, type TierName } from './tiers.js';
import type { EffectiveLimits, WorkspaceLimits } from './workspace-limits.js';

const LIMIT_VALUE = { type: ['integer', 'null'], minimum: 1, description: 'null: unlimited' } as const;
const LIMITS_SCHEMA = {
  type: 'object',
  properties: { requestsPerMinute: LIMIT_VALUE, burst: LIMIT_VALUE, concurrentRuns: LIMIT_VALUE },
  additionalProperties: false,
} as const;

const view = (effective: EffectiveLimits) => {
  const finite = (n: number) => (Number.isFinite(n) ? n : null);
  return {
    tier: effective.tier,
    limits: {
      requestsPerMinute: finite(effective.limits.requestsPerMinute),
      burst: finite(effective.limits.burst),
      concurrentRuns: finite(effective.limits.concurrentRuns),
    },
  };
};

export async function limitRoutes(
  app: FastifyInstance,
  ctx: ServerContext,
  limits: WorkspaceLimits,
  limitsChanged: () => void,
): Promise<void> {
  const answer = {
    type: 'object',
    properties: {
      tier: { type: 'string' },
      limits: { type: 'object', additionalProperties: true },
      usage: { type: 'object', additionalProperties: true },
      degraded: { type: 'boolean' },
    },
  } as const;

  app.get(
    '/api/v1/workspace/limits',
    {
      config: { permission: 'account.self' },
      schema: {
        tags: ['workspace'],
        summary: "The workspace's tier, limits and usage",
        response: { 200: answer, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const workspaceId = workspaceOf(request);
      const effective = await limits.current(workspaceId);
      const { active, held } = await ctx.engine.admissionCounts(workspaceId);
      const of = effective.limits.concurrentRuns;
      const usage = {
        activeRuns: active,
        heldRuns: held,
        concurrentRunsPercent: Number.isFinite(of) && of > 0 ? Math.round((active * 100) / of) : null,
        warnings: limits
          .recentWarnings(workspaceId)
          .map((warning) => ({ ...warning, at: new Date(warning.at).toISOString() })),
      };
      return { ...view(effective), usage, degraded: limits.degraded };
    },
  );

  app.put(
    '/api/v1/workspace/limits',
    {
      config: { permission: 'settings.write' },
      schema: {
        tags: ['workspace'],
        summary: 'Change the tier (and overrides); applies to the next request, no restart',
        body: {
          type: 'object',
          properties: { tier: { type: 'string', enum: Object.keys(TIERS) }, overrides: LIMITS_SCHEMA },
          required: ['tier'],
          additionalProperties: false,
        },
        response: { 200: answer, 400: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const body = request.body as { tier: TierName; overrides?: Record<string, number | null> };
      const overrides: Partial<TierLimits> = {};
      for (const [key, value] of Object.entries(body.overrides ?? {})) {
        (overrides as Record<string, number>)[key] = value === null ? Number.POSITIVE_INFINITY : value;
      }
      const workspaceId = workspaceOf(request);
      const effective = await limits.set(workspaceId, body.tier, overrides, ctx.now());
      // A raised limit starts held runs at once.
      limitsChanged();
      await ctx.record(request, {
        action: 'settings.limits',
        target: { type: 'workspace', id: workspaceId, name: null },
        data: { tier: body.tier, overrides: body.overrides ?? {} },
      });
      return { ...view(effective), usage: {}, degraded: limits.degraded };
    },
  );
}
