/**
 * Prometheus metrics (prom-client, one registry per server so tests and several servers in one
 * process never share counters). Counters and histograms are fed by the engine's events and by the
 * HTTP layer; gauges of the database (runs by status, queue depth and age) are read from the store
 * when /metrics is scraped, so every process reports the same cluster-wide figures.
 */
import { type Engine, type NewRunEvent, RUN_END_EVENTS } from '@atom/engine';
import type { ControlStore, RunStatsReader } from '@atom/store';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  hookDeliveries: Counter<'outcome'>;
  scheduleFires: Counter<'outcome'>;
  onEngineEvents(events: readonly NewRunEvent[]): void;
}

const ENDED = new Set(['step.succeeded', 'step.failed']);

export function createServerMetrics(
  engine: Engine,
  control: ControlStore & RunStatsReader,
  now: () => number,
  workerDeadAfterMs: number,
): ServerMetrics {
  const registry = new Registry();
  const httpDuration = new Histogram({
    name: 'atom_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const stepDuration = new Histogram({
    name: 'atom_step_duration_seconds',
    help: 'Duration of step attempts run by this process, by node type and outcome',
    labelNames: ['node_type', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });
  const runsEnded = new Counter({
    name: 'atom_runs_ended_total',
    help: 'Runs that ended in this process, by final status',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const hookDeliveries = new Counter({
    name: 'atom_webhook_deliveries_total',
    help: 'Webhook deliveries that started a run (accepted) or matched a known delivery id (duplicate)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const scheduleFires = new Counter({
    name: 'atom_schedule_fires_total',
    help: 'Schedule fire times handled: started here, or already started by another process',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'atom_runs',
    help: 'Runs in the database by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const stats = await control.runStats(now());
      this.reset();
      for (const [status, count] of Object.entries(stats.runs)) this.set({ status }, count ?? 0);
    },
  });
  new Gauge({
    name: 'atom_queue_depth',
    help: 'Steps in the queue by state (ready, retrying, waiting, running)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const stats = await control.runStats(now());
      this.reset();
      for (const [state, count] of Object.entries(stats.queue)) this.set({ state }, count);
    },
  });
  new Gauge({
    name: 'atom_queue_oldest_due_seconds',
    help: 'How long the oldest due (ready or retrying) step has waited for a worker',
    registers: [registry],
    async collect() {
      const stats = await control.runStats(now());
      this.set(stats.oldestDueAt === null ? 0 : Math.max(0, (now() - stats.oldestDueAt) / 1000));
    },
  });
  const workers = async () => {
    const at = now();
    const all = await engine.store.listWorkers();
    return { all, alive: all.filter((w) => at - w.heartbeatAt <= workerDeadAfterMs) };
  };
  new Gauge({
    name: 'atom_workers',
    help: 'Workers in the registry: alive (recent heartbeat) or dead (steps recovered by the reaper)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const { all, alive } = await workers();
      this.set({ state: 'alive' }, alive.length);
      this.set({ state: 'dead' }, all.length - alive.length);
    },
  });
  new Gauge({
    name: 'atom_worker_steps',
    help: 'Over the alive workers: steps running at their last heartbeat (running) and their total concurrency (capacity)',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      const { alive } = await workers();
      this.set(
        { kind: 'running' },
        alive.reduce((sum, w) => sum + w.running, 0),
      );
      this.set(
        { kind: 'capacity' },
        alive.reduce((sum, w) => sum + w.concurrency, 0),
      );
    },
  });
  const cacheEvents = new Gauge({
    name: 'atom_cache_events',
    help: 'Step cache hits and misses by node type (cumulative, from the database)',
    labelNames: ['node_type', 'outcome'] as const,
    registers: [registry],
    async collect() {
      const stats = await engine.cache.cacheStats();
      cacheEvents.reset();
      for (const [nodeType, counts] of Object.entries(stats)) {
        cacheEvents.set({ node_type: nodeType, outcome: 'hit' }, counts.hits);
        cacheEvents.set({ node_type: nodeType, outcome: 'miss' }, counts.misses);
      }
    },
  });

  return {
    registry,
    httpDuration,
    hookDeliveries,
    scheduleFires,
    onEngineEvents(events) {
      for (const event of events) {
        if (event.stepKey === null && RUN_END_EVENTS.has(event.type)) {
          runsEnded.inc({ status: event.type.slice(4) });
        } else if (ENDED.has(event.type)) {
          const data = (event.data ?? {}) as { nodeType?: unknown; durationMs?: unknown };
          if (typeof data.durationMs !== 'number') continue;
          const nodeType = typeof data.nodeType === 'string' ? data.nodeType : 'group';
          stepDuration.observe({ node_type: nodeType, status: event.type.slice(5) }, data.durationMs / 1000);
        }
      }
    },
  };
}
