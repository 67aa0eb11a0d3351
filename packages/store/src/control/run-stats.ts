/**
 * RunStatsReader: the cluster-wide figures health checks and metrics read (one cheap query each
 * scrape, the same answer from every process).
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
  runStats(now: number): Promise<RunStats>;
}
