/**
 * RetentionStore: how long a workspace keeps the data of finished runs, and the pruning of runs
 * older than that, in bounded batches (runs, their steps and events in one transaction each).
 *
 * In: RetentionSettings, PruneQuery. Out: the same, PruneBatch.
 */
export interface RetentionSettings {
  workspaceId: string;
  /** Finished runs are deleted this many days after they ended; null: kept for ever. */
  runDays: number | null;
  updatedAt: number;
}

export interface PruneQuery {
  /** Runs of this workspace only (each keeps its own setting). */
  workspaceId: string;
  /** Runs that ended (succeeded, failed, cancelled) before this time. */
  finishedBefore: number;
  /** At most this many runs. */
  limit: number;
}

export interface PruneBatch {
  runs: number;
  steps: number;
  events: number;
  /** Blob references the deleted rows held (a blob may still be used by another run). */
  blobRefs: string[];
}

export interface RetentionStore {
  getRetention(workspaceId: string): Promise<RetentionSettings | undefined>;
  putRetention(settings: RetentionSettings): Promise<void>;
  /** Deletes one batch of the workspace's runs (oldest first) with their steps and events, in one transaction. */
  pruneRuns(query: PruneQuery): Promise<PruneBatch>;
  /** What `pruneRuns` would delete with no batch limit, without deleting anything. */
  countPrunable(finishedBefore: number, workspaceId: string): Promise<Omit<PruneBatch, 'blobRefs'>>;
  /** Whether any step output, run output or run event still holds this blob reference. */
  blobReferenced(ref: string): Promise<boolean>;
}
