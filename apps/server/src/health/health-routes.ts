/**
 * Health and metrics, public like a load balancer expects them:
 * - `/health/live`: the process answers (200), nothing else is checked;
 * - `/health/ready`: 200 only when the database answers, a worker is alive (this process's, or any
 *   with a recent heartbeat when this one runs none), the oldest due step has not waited longer than
 *   `maxQueueLagMs`, and the server is not shutting down; otherwise 503, with every check's result.
 *   Degradations that Atom works around (Redis away) are `warnings`: still 200, with status
 *   `degraded` (docs/adr/0008: a load balancer must not take every API process out of rotation
 *   because an optional shared dependency is down);
 * - `/metrics`: Prometheus text.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server-context.js';

export interface ReadinessOptions {
  /** Whether this process's own worker loop is running; null when this process runs none. */
  workerRunning: () => boolean | null;
  maxQueueLagMs: number;
  /** A worker whose heartbeat is older than this is not counted as alive. */
  workerStaleMs: number;
  /** Degradations that do not make the process unready (shown as `warnings`). */
  warnings: () => string[];
}

interface Check {
  ok: boolean;
  detail: string;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value?: T; error?: string }> {
  try {
    return { value: await work() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export async function healthRoutes(app: FastifyInstance, ctx: ServerContext, options: ReadinessOptions): Promise<void> {
  const hidden = { hide: true };
  app.get('/health/live', { config: { public: true }, schema: hidden }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { config: { public: true }, schema: hidden }, async (_request, reply) => {
    const now = ctx.now();
    const checks: Record<string, Check> = {};
    const stats = await timed(() => ctx.control.runStats(now));
    checks.database = stats.error ? { ok: false, detail: stats.error } : { ok: true, detail: 'answers' };

    const own = options.workerRunning();
    if (own !== null) {
      checks.worker = { ok: own, detail: own ? 'embedded worker running' : 'embedded worker stopped' };
    } else {
      const workers = await timed(() => ctx.engine.store.listWorkers());
      const alive = (workers.value ?? []).filter((w) => now - w.heartbeatAt <= options.workerStaleMs).length;
      checks.worker = workers.error
        ? { ok: false, detail: workers.error }
        : { ok: alive > 0, detail: `${alive} worker${alive === 1 ? '' : 's'} with a recent heartbeat` };
    }

    if (stats.value) {
      const lagMs = stats.value.oldestDueAt === null ? 0 : Math.max(0, now - stats.value.oldestDueAt);
      checks.queue = {
        ok: lagMs <= options.maxQueueLagMs,
        detail: `oldest due step waited ${Math.round(lagMs / 1000)} s (limit ${Math.round(options.maxQueueLagMs / 1000)} s)`,
      };
    } else {
      checks.queue = { ok: false, detail: 'unknown: the database did not answer' };
    }
    checks.server = ctx.closing() ? { ok: false, detail: 'shutting down' } : { ok: true, detail: 'accepting work' };

    const ready = Object.values(checks).every((check) => check.ok);
    const warnings = options.warnings();
    const status = !ready ? 'not ready' : warnings.length > 0 ? 'degraded' : 'ready';
    return reply.code(ready ? 200 : 503).send({ status, checks, warnings });
  });

  app.get('/metrics', { config: { public: true }, schema: hidden }, async (_request, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
}
