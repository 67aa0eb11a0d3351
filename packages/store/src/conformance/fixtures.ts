/**
 * Builders for the conformance suite: records with every field set to something checkable.
 * In: overrides. Out: NewRun / NewStep values, and helpers that store them through the port.
 */
import { randomUUID } from 'node:crypto';
import type { NewRun, NewStep, StorePort } from '@atom/engine';

/** A fixed "now" far from 0, so that off-by-field mistakes show. */
export const T0 = 1_750_000_000_000;

/** A JSON value with the shapes that must survive a round trip. */
export const RICH_JSON = {
  text: 'héllo 👋 "quoted" \\ back\nslash',
  int: 42,
  negative: -7,
  float: 3.25,
  big: 9_007_199_254_740_991,
  yes: true,
  no: false,
  nothing: null,
  list: [1, 'two', { three: [3] }, null],
  nested: { deep: { deeper: { deepest: 'x' } } },
  empty: { object: {}, array: [] as unknown[], string: '' },
};

export function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    id: `run-${randomUUID()}`,
    workspaceId: 'default',
    workflowId: 'wf-1',
    workflowName: 'orders',
    version: 3,
    status: 'queued',
    inputs: { customer: 'c-1', amount: 12.5 },
    trigger: { kind: 'manual', by: 'ada' },
    parentRunId: null,
    parentStepKey: null,
    dedupeKey: null,
    createdAt: T0,
    ...overrides,
  };
}

export function newStep(runId: string, key: string, overrides: Partial<NewStep> = {}): NewStep {
  return {
    runId,
    key,
    stepId: key.replace(/\[.*$/, ''),
    scope: '',
    kind: 'step',
    index: 0,
    status: 'pending',
    dueAt: null,
    item: null,
    target: null,
    createdAt: T0,
    ...overrides,
  };
}

/** Stores a run (and optionally its steps) in one unit; returns the run. */
export async function seedRun(store: StorePort, overrides: Partial<NewRun> = {}, steps: NewStep[] = []) {
  const run = newRun(overrides);
  await store.atomically(async (tx) => {
    await tx.insertRun(run);
    await tx.insertSteps(steps.map((step) => ({ ...step, runId: run.id })));
  });
  return run;
}

/** Stores steps of an existing run in one unit. */
export async function seedSteps(store: StorePort, steps: readonly NewStep[]): Promise<void> {
  await store.atomically((tx) => tx.insertSteps(steps));
}

export function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
