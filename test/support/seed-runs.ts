/**
 * Many runs at once, straight through the store (no engine, no steps): what a list of 100,000
 * runs looks like to the API and the Studio. One unit per 10,000 runs keeps it to a few seconds.
 *
 * Runs are spread one per `spacingMs` back from `newest`, three at a time sharing a `createdAt` (so
 * page boundaries fall inside ties), with statuses in a fixed rotation; ended runs have a start and
 * an end. Ids are `seed-<n>`, zero-padded, n = 0 the oldest.
 */
import type { NewRun, RunStatus, StorePort } from '@atom/engine';

export interface SeedWorkflow {
  workflowId: string;
  name: string;
  version: number;
}

export interface SeedRunsOptions {
  count: number;
  workflows: readonly SeedWorkflow[];
  /** createdAt of the newest runs. */
  newest: number;
  spacingMs?: number;
}

/** 7 of 10 succeed, 2 fail, 1 is cancelled; the newest few are still in flight. */
const ROTATION: RunStatus[] = [
  'succeeded',
  'succeeded',
  'failed',
  'succeeded',
  'succeeded',
  'cancelled',
  'succeeded',
  'failed',
  'succeeded',
  'succeeded',
];
const IN_FLIGHT: RunStatus[] = ['running', 'waiting', 'queued'];

export function seedRunStatus(n: number, count: number): RunStatus {
  return n >= count - IN_FLIGHT.length ? (IN_FLIGHT[count - 1 - n] as RunStatus) : (ROTATION[n % 10] as RunStatus);
}

export function seedRunWorkflow(n: number, workflows: readonly SeedWorkflow[]): SeedWorkflow {
  return workflows[n % workflows.length] as SeedWorkflow;
}

export async function seedRuns(store: StorePort, options: SeedRunsOptions): Promise<void> {
  const { count, workflows, newest } = options;
  const spacingMs = options.spacingMs ?? 1000;
  const width = String(count).length;
  const CHUNK = 10_000;
  for (let first = 0; first < count; first += CHUNK) {
    await store.atomically(async (tx) => {
      for (let n = first; n < Math.min(count, first + CHUNK); n++) {
        const wf = seedRunWorkflow(n, workflows);
        const createdAt = newest - Math.floor((count - 1 - n) / 3) * spacingMs;
        const status = seedRunStatus(n, count);
        const run: NewRun = {
          id: `seed-${String(n).padStart(width, '0')}`,
          workspaceId: 'default',
          workflowId: wf.workflowId,
          workflowName: wf.name,
          version: wf.version,
          status,
          inputs: { n },
          trigger: { kind: n % 4 === 0 ? 'schedule' : 'manual' },
          parentRunId: null,
          parentStepKey: null,
          dedupeKey: null,
          createdAt,
        };
        await tx.insertRun(run);
        if (status !== 'queued') {
          const ended = ['succeeded', 'failed', 'cancelled'].includes(status);
          const finishedAt = ended ? createdAt + 50 + (n % 7) * 40 : null;
          await tx.updateRun(run.id, { startedAt: createdAt + 5, finishedAt, updatedAt: finishedAt ?? createdAt });
        }
      }
    });
  }
}
