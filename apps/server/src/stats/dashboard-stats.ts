/**
 * The dashboard's figures (GET /api/v1/stats, `atom stats`): one time window of minute buckets,
 * ending now, read from the store the same way by every process.
 *
 * In: the stores, `now`, the window in minutes and how old a heartbeat may be. Out: DashboardStats
 * (times as ISO text). Success rate is succeeded / (succeeded + failed) of the runs that ended in
 * the window; cancelled runs are counted but are neither (ADR 0014). Queue depth and workers are
 * as they are now: the Studio keeps their history while it is open. With `workspaceId`, runs, steps
 * and the queue are that workspace's (the API's answer); workers are the installation's, shared by all.
 */
import type { StorePort } from '@atom/engine';
import type { RunStatsReader } from '@atom/store';

export const MINUTE_MS = 60_000;
/** Node types listed, slowest first. */
const NODE_TYPES = 10;

export interface DashboardQuery {
  now: number;
  /** Minutes in the window (the last one is the minute in progress). */
  minutes: number;
  workerStaleMs: number;
  /** One workspace's figures; the whole installation's when absent (`atom stats`). */
  workspaceId?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * @example
 * const stats = await dashboardStats(store, store, { now: Date.now(), minutes: 60, workerStaleMs: 60_000 });
 * stats.runs.successRate; // 0.97, or null when no run ended in the window
 */
export async function dashboardStats(
  stats: RunStatsReader,
  registry: Pick<StorePort, 'listWorkers'>,
  query: DashboardQuery,
) {
  const { now, minutes } = query;
  const from = Math.floor(now / MINUTE_MS) * MINUTE_MS - (minutes - 1) * MINUTE_MS;
  const to = now + 1;
  const scope = query.workspaceId === undefined ? {} : { workspaceId: query.workspaceId };
  const [activity, current, workers] = await Promise.all([
    stats.runActivity({ from, to, bucketMs: MINUTE_MS, nodeTypes: NODE_TYPES, ...scope }),
    stats.runStats(now, query.workspaceId),
    registry.listWorkers(),
  ]);
  const totals = { started: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const bucket of activity.buckets) {
    totals.started += bucket.started;
    totals.succeeded += bucket.succeeded;
    totals.failed += bucket.failed;
    totals.cancelled += bucket.cancelled;
  }
  const decided = totals.succeeded + totals.failed;
  const items = workers.map((w) => ({
    id: w.id,
    host: w.host,
    pid: w.pid,
    version: w.version,
    startedAt: iso(w.startedAt),
    heartbeatAt: iso(w.heartbeatAt),
    alive: now - w.heartbeatAt <= query.workerStaleMs,
  }));
  return {
    window: { from: iso(from), to: iso(now), minutes, bucketSeconds: MINUTE_MS / 1000 },
    runsPerMinute: activity.buckets.map((b) => ({ ...b, at: iso(b.at) })),
    runs: { ...totals, successRate: decided === 0 ? null : totals.succeeded / decided },
    stepDuration: activity.steps,
    slowestNodeTypes: activity.nodeTypes,
    active: {
      queued: current.runs.queued ?? 0,
      running: current.runs.running ?? 0,
      waiting: current.runs.waiting ?? 0,
    },
    queue: {
      ...current.queue,
      depth: current.queue.ready + current.queue.retrying,
      oldestDueAgeSeconds: current.oldestDueAt === null ? 0 : Math.max(0, (now - current.oldestDueAt) / 1000),
    },
    workers: { total: items.length, alive: items.filter((w) => w.alive).length, items },
  };
}

export type DashboardStats = Awaited<ReturnType<typeof dashboardStats>>;
