/**
 * Many runs at once, straight through a StorePort (no engine): what a list of 100,000 runs looks
 * like to the API, the Studio and the dashboard. For tests and benchmarks (`@atom/store/seed`),
 * never loaded by the program. One transaction per 10,000 runs keeps it to a few seconds.
 *
 * In: the store, how many runs, their workflows and the newest `createdAt`. Out: runs spread one per
 * `spacingMs` back from `newest`, three at a time sharing a `createdAt` (so page boundaries fall
 * inside ties), with statuses in a fixed rotation (`seedRunStatus`); started runs have a start,
 * ended ones an end. Ids are `seed-<n>`, zero-padded, n = 0 the oldest. With `stepNodeTypes`, each
 * started run also records one step-end event per node type (a failed run's last step failed): what
 * the dashboard's step figures read.
 */
import {
  DEFAULT_WORKSPACE_ID,
  type NewRun,
  type NewRunEvent,
  RunEvents,
  type RunStatus,
  type StorePort,
} from '@atom/engine';

export interface SeedWorkflow {
  workflowId: string;
  /** The workflow's workspace; default `default`. */
  workspaceId?: string;
  name: string;
  version: number;
}

export interface SeedRunsOptions {
  count: number;
  /** Run n belongs to workflows[n % workflows.length]. */
  workflows: readonly SeedWorkflow[];
  /** createdAt of the newest runs. */
  newest: number;
  spacingMs?: number;
  /** Node types of the steps each started run records an end event for (none by default). */
  stepNodeTypes?: readonly string[];
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
const ENDED: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled']);
const CHUNK = 10_000;

/** The status of seeded run n of `count`. */
export function seedRunStatus(n: number, count: number): RunStatus {
  return n >= count - IN_FLIGHT.length ? (IN_FLIGHT[count - 1 - n] as RunStatus) : (ROTATION[n % 10] as RunStatus);
}

/** The workflow of seeded run n. */
export function seedRunWorkflow(n: number, workflows: readonly SeedWorkflow[]): SeedWorkflow {
  return workflows[n % workflows.length] as SeedWorkflow;
}

/**
 * @example
 * await seedRuns(store, { count: 100_000, workflows: [{ workflowId, name: 'orders', version: 1 }], newest: Date.now() });
 * seedRunStatus(99_999, 100_000); // 'queued': the newest three are in flight
 */
export async function seedRuns(store: StorePort, options: SeedRunsOptions): Promise<void> {
  const { count, workflows, newest } = options;
  const spacingMs = options.spacingMs ?? 1000;
  const stepNodeTypes = options.stepNodeTypes ?? [];
  const width = String(count).length;
  for (let first = 0; first < count; first += CHUNK) {
    await store.atomically(async (tx) => {
      const events: NewRunEvent[] = [];
      for (let n = first; n < Math.min(count, first + CHUNK); n++) {
        const wf = seedRunWorkflow(n, workflows);
        const createdAt = newest - Math.floor((count - 1 - n) / 3) * spacingMs;
        const status = seedRunStatus(n, count);
        const run: NewRun = {
          id: `seed-${String(n).padStart(width, '0')}`,
          workspaceId: wf.workspaceId ?? DEFAULT_WORKSPACE_ID,
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
        if (status === 'queued') continue;
        const startedAt = createdAt + 5;
        const finishedAt = ENDED.has(status) ? createdAt + 50 + (n % 7) * 40 : null;
        await tx.updateRun(run.id, { startedAt, finishedAt, updatedAt: finishedAt ?? createdAt });
        for (const [k, nodeType] of stepNodeTypes.entries()) {
          const failed = status === 'failed' && k === stepNodeTypes.length - 1;
          events.push({
            runId: run.id,
            type: failed ? RunEvents.stepFailed : RunEvents.stepSucceeded,
            stepKey: `s${k}`,
            data: { attempt: 1, nodeType, durationMs: (n * 7 + k * 13) % 400 },
            at: startedAt + k + 1,
          });
        }
      }
      if (events.length > 0) await tx.appendEvents(events);
    });
  }
}
