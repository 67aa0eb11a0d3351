/**
 * Builds Atom's HTTP server around an engine: the API feature modules, webhooks, the scheduler,
 * health and metrics. It runs no worker itself: `atom start` runs one beside it (embedded mode),
 * `atom start --no-worker` does not (distributed mode, workers elsewhere).
 *
 * @example
 * const server = await createServer({ engine, control: store, secrets, logger });
 * await server.listen({ port: 5058, host: '127.0.0.1' });
 * // …
 * await server.close();
 */

import { DEFAULT_WORKSPACE_ID, type Engine, RUN_END_EVENTS, RunEvents } from '@atom/engine';
import type { ServerStores } from '@atom/store';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createApp } from './app/create-app.js';
import { AuditLog, actorOf, sourceOf } from './audit/audit-log.js';
import { auditRoutes } from './audit/audit-routes.js';
import { createAuthHook } from './auth/auth-hook.js';
import { authRoutes } from './auth/auth-routes.js';
import { type OidcOptions, oidcRoutes } from './auth/oidc/index.js';
import { tokenRoutes } from './auth/token-routes.js';
import { clusterRoutes } from './cluster/cluster-routes.js';
import { dlqRoutes } from './dlq/dlq-routes.js';
import { type EventBus, localEventBus } from './events/event-bus.js';
import { EventDispatcher } from './events/event-dispatcher.js';
import { eventRoutes } from './events/event-routes.js';
import { healthRoutes } from './health/health-routes.js';
import { deliveryRoutes } from './hooks/delivery-routes.js';
import { hookRoutes } from './hooks/hook-routes.js';
import { HeldRunAdmitter } from './limits/held-run-admitter.js';
import { createMemoryRateLimitStore, createRateLimiter, limitExceededError, type RateLimiter } from './limits/index.js';
import { rateLimitHeaders, retryAfterSeconds } from './limits/limit-response.js';
import { limitRoutes } from './limits/limit-routes.js';
import type { TierName } from './limits/tiers.js';
import { WorkspaceLimits } from './limits/workspace-limits.js';
import { memberRoutes } from './members/member-routes.js';
import { createServerMetrics } from './metrics/server-metrics.js';
import { nodeRoutes } from './nodes/node-routes.js';
import { retentionRoutes } from './retention/retention-routes.js';
import { pruneEveryWorkspace, RunPruner } from './retention/run-pruner.js';
import { runRoutes } from './runs/run-routes.js';
import { scheduleRoutes } from './schedules/schedule-routes.js';
import { Scheduler } from './schedules/scheduler.js';
import { secretRoutes } from './secrets/secret-routes.js';
import type { WorkspaceSecrets } from './secrets/workspace-secrets.js';
import type { ServerContext } from './server-context.js';
import { statsRoutes } from './stats/stats-routes.js';
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from './stream/stream-connection.js';
import { streamRoutes } from './stream/stream-routes.js';
import { type StudioOptions, studioRoutes } from './studio/studio-routes.js';
import { TriggerIndex } from './triggers/trigger-index.js';
import { schemaRoutes } from './workflows/schema-routes.js';
import { workflowRoutes } from './workflows/workflow-routes.js';
import { workspaceRoutes } from './workspaces/workspace-routes.js';

/** A worker whose heartbeat is older than this counts as dead, unless ServerOptions say otherwise. */
const DEFAULT_WORKER_DEAD_AFTER_MS = 30_000;

export interface ServerOptions {
  engine: Engine;
  /** Usually the same object as the engine's store (both adapters implement both). */
  control: ServerStores;
  /** Also the engine's SecretsPort (every workspace's), so a secret set through the API applies to the next step. */
  secrets: WorkspaceSecrets;
  logger: Logger;
  version: string;
  /** Studio login sessions: idle limit (default 12 h), maximum age (7 days), Secure cookies over HTTP. */
  sessions?: { idleMs?: number; maxAgeMs?: number; secureCookies?: boolean };
  /** Single sign-on with an OpenID Connect provider for the Studio; off when absent. */
  oidc?: OidcOptions;
  /** Where run and step events come from; default: this process's engine only. */
  bus?: EventBus;
  /** Counts API requests per workspace (Redis in distributed mode); default: in this process. */
  limiter?: RateLimiter;
  /** The tier of a workspace whose settings name none; default `enterprise`. */
  defaultTier?: TierName;
  /** Origins allowed to call the API from a browser (CORS); default none. */
  corsOrigins?: readonly string[];
  /** Request body limit; default 10 MiB. */
  bodyLimitBytes?: number;
  /** Time allowed to receive a whole request (slow clients get 408); default 60 s. */
  requestTimeoutMs?: number;
  /** Default answer timeout of `respond: node` webhooks; default 30 s. */
  hookTimeoutMs?: number;
  /** Longest `?wait=` honoured; default 300 s. */
  maxWaitSeconds?: number;
  /** Whether this process's worker runs (readiness); omit when the process runs no worker. */
  workerRunning?: () => boolean;
  /** Readiness fails when the oldest due step waited longer; default 60 s. */
  maxQueueLagMs?: number;
  /** A worker whose registry heartbeat is older than this is shown dead (ATOM_WORKER_DEAD_AFTER_MS; default 30 000). */
  workerDeadAfterMs?: number;
  /**
   * Degradations to show on /health/ready without making the process unready (Redis away: rate
   * limits per process, the step cache in the database); default: the limiter's own state.
   */
  warnings?: () => string[];
  /** Fire schedules from this process; default true. */
  scheduler?: boolean;
  /** How often finished runs older than the workspace's retention are pruned; default 1 h, 0: never. */
  pruneIntervalMs?: number;
  /** How often held runs are checked for a free slot besides run ends; default 2 s. */
  admissionTickMs?: number;
  /** How often triggers are reloaded from the store and schedules checked; default 5 s and 1 s. */
  triggerRefreshMs?: number;
  scheduleTickMs?: number;
  /** The live stream's heartbeat period and per-client limits (defaults: DEFAULT_STREAM_LIMITS). */
  stream?: Partial<StreamLimits>;
  /** Serve the built Studio at `/` from this folder; no Studio when absent. */
  studio?: StudioOptions;
}

export interface AtomServer {
  app: FastifyInstance;
  scheduler: Scheduler;
  listen(options: { port: number; host: string }): Promise<string>;
  /** Stops taking requests and firing schedules; in-flight requests finish. */
  close(): Promise<void>;
}

export async function createServer(options: ServerOptions): Promise<AtomServer> {
  const { engine, control, logger } = options;
  const workerDeadAfterMs = options.workerDeadAfterMs ?? DEFAULT_WORKER_DEAD_AFTER_MS;
  const app = await createApp({
    logger,
    bodyLimitBytes: options.bodyLimitBytes ?? 10 * 1024 * 1024,
    version: options.version,
    corsOrigins: options.corsOrigins ?? [],
    maxNesting: engine.options.maxNesting,
    requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
  });
  // Before the auth hook: a refused upgrade's socket is then closed after its 401/403 answer.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  const triggers = new TriggerIndex(control, () => engine.clock.now());
  let closing = false;
  const audit = new AuditLog(control, () => engine.clock.now());
  const bus = options.bus ?? localEventBus(engine);
  const ctx: ServerContext = {
    bus,
    audit,
    async record(request, event, workspaceId) {
      try {
        const where = workspaceId ?? request.principal?.workspaceId ?? DEFAULT_WORKSPACE_ID;
        await audit.append(where, actorOf(request), sourceOf(request), event);
      } catch (error) {
        logger.error({ err: error, action: event.action }, 'could not append to the audit log');
      }
    },
    engine,
    control,
    triggers,
    secrets: options.secrets,
    metrics: createServerMetrics(engine, control, () => engine.clock.now(), workerDeadAfterMs),
    logger,
    now: () => engine.clock.now(),
    hookTimeoutMs: options.hookTimeoutMs ?? 30_000,
    maxWaitSeconds: options.maxWaitSeconds ?? 300,
    closing: () => closing,
  };
  const events = new EventDispatcher(ctx);
  const scheduler = new Scheduler(ctx);
  // Metrics count this process's work only (Prometheus sums the processes); event triggers hear the
  // whole cluster (their run starts are deduplicated, so hearing a run's end twice starts one run).
  const unsubscribeMetrics = engine.onEvents((batch) => ctx.metrics.onEngineEvents(batch));
  const unsubscribeEvents = bus.subscribe((batch) => events.onEngineEvents(batch));

  const sessions = {
    idleMs: options.sessions?.idleMs ?? 12 * 3_600_000,
    maxAgeMs: options.sessions?.maxAgeMs ?? 7 * 86_400_000,
    secureCookies: options.sessions?.secureCookies ?? false,
  };
  app.addHook('onRequest', createAuthHook(control, sessions, ctx.now));
  const limits = new WorkspaceLimits({
    settings: control,
    limiter: options.limiter ?? createRateLimiter(createMemoryRateLimitStore()),
    defaultTier: options.defaultTier ?? 'enterprise',
    onWarning: (warning) => {
      const what = warning.limit === 'requests' ? 'request allowance' : 'concurrent-runs limit';
      logger.warn(warning, `the workspace reached 80 % of its ${what}`);
      void events.raise(warning.workspaceId, 'workspace.limit.warning', warning).catch(() => {});
    },
  });
  // Runs over their workspace tier's concurrent-runs limit wait `queued` (held) and start as slots
  // free up: when a run ends here or elsewhere (the bus), when a limit changes, and every few seconds.
  engine.setRunAdmission({
    limit: async (workspaceId) => (await limits.current(workspaceId)).limits.concurrentRuns,
    observe: (counts, limit, workspaceId) =>
      void limits.observeRuns(workspaceId, counts.active, limit, ctx.now()).catch(() => {}),
  });
  const admission = new HeldRunAdmitter(engine, logger);
  const unsubscribeAdmission = bus.subscribe((batch) => {
    if (batch.some((event) => event.type === RunEvents.runHeld)) admission.noteHeld();
    if (batch.some((event) => RUN_END_EVENTS.has(event.type))) admission.poke();
  });
  // Authenticated API requests count against the workspace's allowance (after the auth hook).
  app.addHook('onRequest', async (request, reply) => {
    if (!request.principal) return;
    const { decision, limit } = await limits.takeRequest(request.principal.workspaceId, ctx.now());
    reply.headers(rateLimitHeaders(decision, limit));
    if (!decision.allowed) {
      reply.header('retry-after', String(retryAfterSeconds(decision)));
      throw limitExceededError(
        'ATOM_ERR_RATE_LIMITED',
        `the workspace's tier allows ${limit.ratePerMinute} requests per minute (burst ${limit.burst}); retry in ${retryAfterSeconds(decision)} s`,
        decision.retryAfterMs,
      );
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    ctx.metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(async (scope) => schemaRoutes(scope));
  await app.register(async (scope) => authRoutes(scope, ctx, sessions));
  const { oidc } = options;
  if (oidc) await app.register(async (scope) => oidcRoutes(scope, ctx, sessions, oidc));
  await app.register(async (scope) => workflowRoutes(scope, ctx));
  await app.register(async (scope) => nodeRoutes(scope, ctx));
  await app.register(async (scope) => runRoutes(scope, ctx));
  await app.register(async (scope) => scheduleRoutes(scope, ctx, scheduler));
  await app.register(async (scope) => eventRoutes(scope, ctx, events));
  await app.register(async (scope) => deliveryRoutes(scope, ctx));
  await app.register(async (scope) => dlqRoutes(scope, ctx));
  await app.register(async (scope) => secretRoutes(scope, ctx));
  await app.register(async (scope) => tokenRoutes(scope, ctx));
  await app.register(async (scope) => memberRoutes(scope, ctx));
  await app.register(async (scope) => workspaceRoutes(scope, ctx));
  await app.register(async (scope) => auditRoutes(scope, ctx));
  await app.register(async (scope) => retentionRoutes(scope, ctx));
  await app.register(async (scope) => limitRoutes(scope, ctx, limits, () => admission.poke()));
  await app.register(async (scope) => clusterRoutes(scope, ctx, workerDeadAfterMs));
  await app.register(async (scope) => statsRoutes(scope, ctx, workerDeadAfterMs));
  await app.register(async (scope) => hookRoutes(scope, ctx));
  await app.register(async (scope) =>
    streamRoutes(scope, ctx, {
      limits: { ...DEFAULT_STREAM_LIMITS, ...options.stream },
      corsOrigins: options.corsOrigins ?? [],
    }),
  );
  await app.register(async (scope) =>
    healthRoutes(scope, ctx, {
      workerRunning: options.workerRunning ? options.workerRunning : () => null,
      maxQueueLagMs: options.maxQueueLagMs ?? 60_000,
      workerStaleMs: workerDeadAfterMs,
      warnings:
        options.warnings ??
        (() =>
          limits.degraded
            ? ['rate-limit counters fell back to this process: the shared store (Redis) is unreachable']
            : []),
    }),
  );
  const { studio } = options;
  if (studio) await app.register(async (scope) => studioRoutes(scope, studio));
  await app.ready();
  await triggers.start(options.triggerRefreshMs ?? 5_000);
  if (options.scheduler !== false) scheduler.start(options.scheduleTickMs ?? 1_000);
  admission.start(options.admissionTickMs ?? 2_000);
  const pruner = new RunPruner(
    () => pruneEveryWorkspace(control, engine.blobs, ctx.now()),
    (outcome) =>
      outcome instanceof Error
        ? logger.warn({ err: outcome }, 'could not prune old runs; trying again at the next pass')
        : logger.info(outcome, `pruned ${outcome.runs} runs older than ${outcome.runDays} days`),
  );
  const pruneEvery = options.pruneIntervalMs ?? 3_600_000;
  if (pruneEvery > 0) pruner.start(pruneEvery);

  return {
    app,
    scheduler,
    async listen({ port, host }) {
      return app.listen({ port, host });
    },
    async close() {
      closing = true;
      engine.setRunAdmission(null);
      unsubscribeAdmission();
      admission.stop();
      pruner.stop();
      scheduler.stop();
      triggers.stop();
      unsubscribeMetrics();
      unsubscribeEvents();
      await app.close();
    },
  };
}
