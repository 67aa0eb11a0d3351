/**
 * Runs every YAML fixture of ./fixtures on a real engine (SQLite file, built-in nodes, virtual
 * clock) and checks its `expect` block. Each fixture pins one rule of DESIGN §3/§4; the file says
 * which in `rule`. Vocabulary of `expect` (all optional):
 *   status, outputs, error {code, step}      the run's end
 *   steps {key: status}, attempts {key: n}   step rows
 *   outputOf {key: value}, blobs [key]       step outputs (blobs: kept by reference)
 *   order [a, b, c]                          each finished before the next started
 *   parallel [[a, b]]                        ran at the same time
 *   maxConcurrent {prefix: n}                at most n of the steps whose key starts with prefix at once
 *   retryDelays {key: [ms…]}                 delays scheduled between attempts
 *   compensations [key…]                     steps undone, in execution order
 *   cache {nodeType: {hits, misses}}
 *   minDurationMs n                          virtual time the run took, at least
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type NewRunEvent, VirtualClock } from '@atom/engine';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createHarness } from '../support/engine-harness.js';

interface Fixture {
  rule: string;
  inputs?: Record<string, unknown>;
  options?: Record<string, number>;
  children?: unknown[];
  events?: Array<{ name: string; payload?: unknown }>;
  workflow: unknown;
  expect: {
    status?: string;
    outputs?: unknown;
    error?: { code?: string; step?: string };
    steps?: Record<string, string>;
    attempts?: Record<string, number>;
    outputOf?: Record<string, unknown>;
    blobs?: string[];
    order?: string[];
    parallel?: string[][];
    maxConcurrent?: Record<string, number>;
    retryDelays?: Record<string, number[]>;
    compensations?: string[];
    cache?: Record<string, { hits: number; misses: number }>;
    minDurationMs?: number;
  };
}

const dir = join(import.meta.dirname, 'fixtures');
const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'));

function indexOf(events: NewRunEvent[], type: string, key: string): number {
  const at = events.findIndex((event) => event.type === type && event.stepKey === key);
  if (at < 0) throw new Error(`no ${type} event for ${key}`);
  return at;
}

describe('engine fixtures', () => {
  it('has fixtures', () => expect(files.length).toBeGreaterThan(10));

  for (const file of files) {
    const fixture = parse(readFileSync(join(dir, file), 'utf8')) as Fixture;
    it(`${file}: ${fixture.rule}`, async () => {
      const clock = new VirtualClock(Date.parse('2026-01-05T09:00:00Z'));
      const harness = await createHarness({ clock, ...(fixture.options ? { options: fixture.options } : {}) });
      try {
        const { engine } = harness;
        for (const child of fixture.children ?? []) await engine.registerWorkflow(child);
        const registered = await engine.registerWorkflow(fixture.workflow);
        const started = await engine.startRun({
          workflow: registered.workflowId,
          version: registered.version,
          inputs: fixture.inputs ?? {},
        });
        const ended = () =>
          harness.events.some(
            (e) => e.runId === started.id && ['run.succeeded', 'run.failed', 'run.cancelled'].includes(e.type),
          );
        await harness.work(ended);
        for (const event of fixture.events ?? []) {
          await engine.raiseEvent(event.name, event.payload ?? null);
          await harness.work(ended);
        }
        const run = await engine.store.getRun(started.id);
        const rows = new Map((await engine.store.listSteps(started.id)).map((row) => [row.key, row]));
        const events = harness.events.filter((event) => event.runId === started.id);
        const want = fixture.expect;
        const context = `${file}: run ${run?.status} ${JSON.stringify(run?.error)}`;

        if (want.status) expect(run?.status, context).toBe(want.status);
        if (want.outputs !== undefined) expect(await engine.loadValue(run?.outputs)).toEqual(want.outputs);
        if (want.error?.code) expect(run?.error?.code, context).toBe(want.error.code);
        if (want.error?.step) expect((run?.error?.data as { step?: string })?.step).toBe(want.error.step);
        for (const [key, status] of Object.entries(want.steps ?? {})) {
          expect(rows.get(key)?.status, `${file}: step ${key}`).toBe(status);
        }
        for (const [key, attempts] of Object.entries(want.attempts ?? {})) {
          expect(rows.get(key)?.attempt, `${file}: attempts of ${key}`).toBe(attempts);
        }
        for (const [key, value] of Object.entries(want.outputOf ?? {})) {
          expect(await engine.loadValue(rows.get(key)?.output), `${file}: output of ${key}`).toEqual(value);
        }
        for (const key of want.blobs ?? []) {
          expect(rows.get(key)?.output, `${file}: ${key} kept as a blob`).toMatchObject({ $blob: expect.any(String) });
        }
        const order = want.order ?? [];
        for (let i = 1; i < order.length; i++) {
          const before = order[i - 1] as string;
          const after = order[i] as string;
          expect(
            indexOf(events, 'step.succeeded', before) < indexOf(events, 'step.started', after),
            `${file}: ${before} finished before ${after} started`,
          ).toBe(true);
        }
        for (const [a, b] of (want.parallel ?? []) as Array<[string, string]>) {
          expect(indexOf(events, 'step.started', a) < indexOf(events, 'step.succeeded', b), `${a} ∥ ${b}`).toBe(true);
          expect(indexOf(events, 'step.started', b) < indexOf(events, 'step.succeeded', a), `${b} ∥ ${a}`).toBe(true);
        }
        for (const [prefix, limit] of Object.entries(want.maxConcurrent ?? {})) {
          let active = 0;
          let peak = 0;
          for (const event of events) {
            if (!event.stepKey?.startsWith(prefix)) continue;
            if (event.type === 'step.started') peak = Math.max(peak, ++active);
            if (['step.succeeded', 'step.failed', 'step.retrying', 'step.waiting'].includes(event.type)) active--;
          }
          expect(peak, `${file}: peak concurrency of ${prefix}`).toBeLessThanOrEqual(limit);
          expect(peak, `${file}: ${prefix} ran in parallel`).toBeGreaterThan(1);
        }
        for (const [key, delays] of Object.entries(want.retryDelays ?? {})) {
          const seen = events
            .filter((e) => e.type === 'step.retrying' && e.stepKey === key)
            .map((e) => (e.data as { delayMs: number }).delayMs);
          expect(seen, `${file}: retry delays of ${key}`).toEqual(delays);
        }
        if (want.compensations) {
          const done = events
            .filter((e) => e.type === 'step.succeeded' && e.stepKey?.startsWith('$compensate'))
            .map((e) => rows.get(e.stepKey as string)?.target);
          expect(done, `${file}: compensation order`).toEqual(want.compensations);
        }
        if (want.cache) {
          const stats = await engine.store.cacheStats();
          for (const [type, counts] of Object.entries(want.cache)) expect(stats[type]).toEqual(counts);
        }
        if (want.minDurationMs !== undefined) {
          expect((run?.finishedAt ?? 0) - (run?.createdAt ?? 0)).toBeGreaterThanOrEqual(want.minDurationMs);
        }
      } finally {
        await harness.close();
      }
    });
  }
});
