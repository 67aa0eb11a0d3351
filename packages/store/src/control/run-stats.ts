/**
 * RunStatsReader: the cluster-wide figures health checks and metrics read (one cheap query each
 * scrape, the same answer from every process), and the dashboard's activity over a time window.
 */
import type { RunStatus } from '@atom/engine';

export interface RunStats {
  /** Runs by status (statuses with none are omitted). */
  runs: Partial<Record<RunStatus, number>>;
  /** Steps in the queue by state: `ready`, `retrying`, `waiting`, `running`. */
  queue: { ready: number; retrying: number; waiting: number; running: number };
  /** The earliest `dueAt` of a `ready` or `retrying` step due at `now` or before; null when none. */
  oldestDueAt: number | null;
}

export interface RunStatsReader {
  /** Of the whole installation (health, metrics), or of one workspace's runs and their steps. */
  runStats(now: number, workspaceId?: string): Promise<RunStats>;
  /** The dashboard's figures for one window (see RunActivity). */
  runActivity(query: ActivityQuery): Promise<RunActivity>;
}

/** A time window of the dashboard: `[from, to)` in epoch ms, cut into buckets of `bucketMs`. */
export interface ActivityQuery {
  /** Start of the first bucket (epoch ms; buckets start at `from + k × bucketMs`). */
  from: number;
  /** End of the window, exclusive. */
  to: number;
  bucketMs: number;
  /** How many node types to return, slowest (by p95) first. */
  nodeTypes: number;
  /** Only this workspace's runs and their steps; the whole installation when absent. */
  workspaceId?: string;
}

/** Durations in ms by nearest rank (the smallest value with at least p% of the values at or below it). */
export interface DurationSummary {
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

export interface NodeTypeActivity extends DurationSummary {
  nodeType: string;
  /** Of `count`, the steps that failed for good. */
  failed: number;
  meanMs: number;
}

export interface ActivityBucket {
  /** Start of the bucket, epoch ms. */
  at: number;
  /** Runs created in the bucket. */
  started: number;
  /** Runs that ended in the bucket, by final status. */
  succeeded: number;
  failed: number;
  cancelled: number;
}

/**
 * What happened in a window: runs started and ended per bucket (every bucket, empty ones too), and
 * the durations of the steps that ended in it (from the `durationMs` and `nodeType` of the
 * `step.succeeded` / `step.failed` events; group and foreach containers carry no duration and are
 * left out).
 */
export interface RunActivity {
  buckets: ActivityBucket[];
  steps: DurationSummary;
  nodeTypes: NodeTypeActivity[];
}
