/**
 * A real engine on a real SQLite file in a temporary folder, with the built-in nodes and the test
 * nodes, for tests that exercise behaviour end to end. Nothing of Atom's is mocked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClockPort,
  Engine,
  type EngineOptions,
  type NewRunEvent,
  type RunRecord,
  type StepRecord,
} from '@atom/engine';
import { builtinNodes, createNodeRegistry } from '@atom/nodes';
import { createFileBlobStore, createSqliteStore, type SqliteStore } from '@atom/store';
import { testNodes } from './test-nodes.js';

export interface Harness {
  engine: Engine;
  dir: string;
  /** Every event committed since the harness started, in commit order. */
  events: NewRunEvent[];
  /** Registers the documents (the first is the one run), starts a run and works until it ends. */
  run(document: unknown, inputs?: unknown, extra?: unknown[]): Promise<RunResult>;
  /** Works until `until` says stop or nothing more can happen. */
  work(until?: () => boolean): Promise<void>;
  /**
   * Another engine on the same SQLite file and blob folder, with its own connection, as a second
   * process would have: for races between processes. Closed with the harness.
   */
  peer(): Promise<Engine>;
  close(): Promise<void>;
}

export interface RunResult {
  run: RunRecord;
  steps: Map<string, StepRecord>;
  events: NewRunEvent[];
}

export interface HarnessOptions {
  clock?: ClockPort;
  options?: Partial<EngineOptions>;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
}

/** A deterministic source of jitter (mulberry32). */
export function seededRandom(seed = 42): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'atom-engine-'));
  const stores: SqliteStore[] = [];
  const openEngine = async () => {
    const store = createSqliteStore({ file: join(dir, 'atom.db') });
    stores.push(store);
    await store.migrate();
    const nodes = createNodeRegistry([
      ...builtinNodes({ httpAllow: ['127.0.0.1'], code: { memoryBytes: 32 * 1024 * 1024, timeoutMs: 500 } }),
      ...testNodes,
    ]);
    return new Engine({
      store,
      blobs: createFileBlobStore(join(dir, 'blobs')),
      nodes,
      random: seededRandom(),
      secrets: { vars: async () => options.vars ?? {}, secrets: async () => options.secrets ?? {} },
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.options ? { options: options.options } : {}),
    });
  };
  const engine = await openEngine();
  const store = engine.store;
  const events: NewRunEvent[] = [];
  engine.onEvents((batch) => events.push(...batch));
  const worker = engine.createWorker({ id: `test-worker-${process.pid}`, concurrency: 16 });

  const harness: Harness = {
    engine,
    dir,
    events,
    async work(until) {
      await worker.run({ stopWhenIdle: true, ...(until ? { until } : {}) });
    },
    async run(document, inputs = {}, extra = []) {
      for (const other of extra) await engine.registerWorkflow(other);
      const registered = await engine.registerWorkflow(document);
      const started = await engine.startRun({ workflow: registered.workflowId, version: registered.version, inputs });
      const ended = () =>
        events.some(
          (event) =>
            event.runId === started.id && ['run.succeeded', 'run.failed', 'run.cancelled'].includes(event.type),
        );
      await harness.work(ended);
      const run = (await store.getRun(started.id)) as RunRecord;
      const steps = new Map((await store.listSteps(started.id)).map((step) => [step.key, step]));
      return { run, steps, events: events.filter((event) => event.runId === started.id) };
    },
    peer: openEngine,
    async close() {
      for (const one of stores) await one.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
