/**
 * Data retention: deletes finished runs older than the workspace's setting (`runDays`), with their
 * steps and events, a bounded batch per transaction so that a large backlog never holds the
 * database for long, then the blobs that no remaining run uses. `atom start` runs it every hour;
 * `atom prune [--dry-run]` runs it once.
 */
import type { BlobPort } from '@atom/engine';
import type { RetentionStore, WorkspaceStore } from '@atom/store';

export const DAY_MS = 86_400_000;
const DEFAULT_BATCH = 500;

export interface PruneOptions {
  workspaceId: string;
  now: number;
  /** Count what would go, delete nothing. */
  dryRun?: boolean;
  /** Runs per transaction; default 500. */
  batchSize?: number;
  /** Stop after this many batches (the next pass goes on); default: until nothing is left. */
  maxBatches?: number;
}

export interface PruneReport {
  /** null when the workspace keeps run data for ever (nothing was looked at). */
  runDays: number | null;
  finishedBefore: number | null;
  dryRun: boolean;
  runs: number;
  steps: number;
  events: number;
  /** Blob files removed (0 in a dry run, or with a blob store that cannot remove). */
  blobs: number;
  batches: number;
}

export async function pruneRuns(store: RetentionStore, blobs: BlobPort, options: PruneOptions): Promise<PruneReport> {
  const dryRun = options.dryRun === true;
  const settings = await store.getRetention(options.workspaceId);
  const runDays = settings?.runDays ?? null;
  const report: PruneReport = {
    runDays,
    finishedBefore: null,
    dryRun,
    runs: 0,
    steps: 0,
    events: 0,
    blobs: 0,
    batches: 0,
  };
  if (runDays === null) return report;
  const finishedBefore = options.now - runDays * DAY_MS;
  report.finishedBefore = finishedBefore;
  if (dryRun) return { ...report, ...(await store.countPrunable(finishedBefore, options.workspaceId)) };
  const limit = options.batchSize ?? DEFAULT_BATCH;
  const maxBatches = options.maxBatches ?? Number.POSITIVE_INFINITY;
  while (report.batches < maxBatches) {
    const batch = await store.pruneRuns({ workspaceId: options.workspaceId, finishedBefore, limit });
    if (batch.runs === 0) break;
    report.batches++;
    report.runs += batch.runs;
    report.steps += batch.steps;
    report.events += batch.events;
    for (const ref of batch.blobRefs) {
      // Content-addressed: the same bytes may belong to a run that stays, or be stored again now.
      if (!blobs.remove || (await store.blobReferenced(ref))) continue;
      if (await blobs.remove(ref, finishedBefore)) report.blobs++;
    }
    if (batch.runs < limit) break;
  }
  return report;
}

/** `pruneRuns` for every workspace of the installation, each under its own setting. */
export async function pruneEveryWorkspace(
  store: RetentionStore & Pick<WorkspaceStore, 'listWorkspaces'>,
  blobs: BlobPort,
  now: number,
): Promise<(PruneReport & { workspaceId: string })[]> {
  const reports = [];
  for (const { id } of await store.listWorkspaces()) {
    reports.push({ workspaceId: id, ...(await pruneRuns(store, blobs, { workspaceId: id, now })) });
  }
  return reports;
}

/** Runs a pruning pass every `intervalMs` (first after `firstAfterMs`), logging what each workspace's deleted. */
export class RunPruner {
  readonly #run: () => Promise<PruneReport[]>;
  readonly #log: (report: PruneReport | Error) => void;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;

  constructor(run: () => Promise<PruneReport[]>, log: (report: PruneReport | Error) => void) {
    this.#run = run;
    this.#log = log;
  }

  start(intervalMs: number, firstAfterMs = Math.min(intervalMs, 60_000)): void {
    const tick = () => void this.pass();
    this.#timer = setTimeout(() => {
      tick();
      this.#timer = setInterval(tick, intervalMs);
      this.#timer.unref();
    }, firstAfterMs);
    this.#timer.unref();
  }

  stop(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#timer);
  }

  async pass(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (const report of await this.#run()) if (report.runs > 0) this.#log(report);
    } catch (error) {
      this.#log(error as Error);
    } finally {
      this.#busy = false;
    }
  }
}
