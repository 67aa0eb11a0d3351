// bench/engine: engine throughput and overhead on the embedded store (npm run bench:engine).
//
// 0. Warm-up: 300 runs of each, not measured.
// 1. Throughput: 1,000 runs of a 10-step linear workflow of `transform` steps, then 1,000 runs of a
//    10-way fan-out joined by an 11th step, all started at once and executed by one worker.
// 2. Overhead: runs of the linear workflow one at a time; the wall time of a run divided by its
//    steps is the engine's cost per durable step (a `transform` does no work of its own).
// 3. Ceiling: in the same process, with the store's own pragmas (SQLITE_PRAGMAS), one-row INSERT transactions per second
//    on a better-sqlite3 file: what any design on this disk could reach.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine } from '@atom/engine';
import { builtinNodes, createNodeRegistry } from '@atom/nodes';
import { createFileBlobStore, createSqliteStore, SQLITE_PRAGMAS } from '@atom/store';
import Database from 'better-sqlite3';

const RUNS = Number(process.env.BENCH_RUNS ?? 1000);
const LATENCY_RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 200);
const WARMUP_RUNS = Number(process.env.BENCH_WARMUP_RUNS ?? 300);

const linear = {
  atom: 1,
  name: 'bench-linear',
  steps: Array.from({ length: 10 }, (_, i) => ({
    id: `s${i}`,
    uses: 'transform',
    with: i === 0 ? { n: '{{ $inputs.n }}' } : { n: `{{ $steps.s${i - 1}.output.n + 1 }}` },
  })),
  outputs: { n: '{{ $steps.s9.output.n }}' },
};

const fanOut = {
  atom: 1,
  name: 'bench-fan-out',
  steps: [
    ...Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, needs: [], uses: 'transform', with: { i } })),
    { id: 'join', needs: Array.from({ length: 10 }, (_, i) => `b${i}`), uses: 'transform', with: { done: true } },
  ],
};

async function openEngine(dir) {
  const store = createSqliteStore({ file: join(dir, 'atom.db') });
  await store.migrate();
  const engine = new Engine({
    store,
    blobs: createFileBlobStore(join(dir, 'blobs')),
    nodes: createNodeRegistry(builtinNodes({ httpAllow: [], code: { memoryBytes: 32 << 20, timeoutMs: 1000 } })),
  });
  return { engine, store };
}

async function throughput(engine, document, runs) {
  const registered = await engine.registerWorkflow(document);
  const steps = registered.workflow.steps.size;
  let ended = 0;
  const unsubscribe = engine.onEvents((events) => {
    for (const event of events) if (event.type === 'run.succeeded' || event.type === 'run.failed') ended++;
  });
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    await engine.startRun({ workflow: registered.workflowId, version: registered.version, inputs: { n: i } });
  }
  await engine
    .createWorker({ id: 'bench', concurrency: Number(process.env.BENCH_CONCURRENCY ?? 64) })
    .run({ until: () => ended >= runs });
  const seconds = (performance.now() - started) / 1000;
  unsubscribe();
  return { runsPerSecond: runs / seconds, stepsPerSecond: (runs * steps) / seconds, seconds };
}

async function overhead(engine, runs) {
  const registered = await engine.registerWorkflow(linear);
  const worker = engine.createWorker({ id: 'bench-latency', concurrency: 8 });
  const perStep = [];
  for (let i = 0; i < runs; i++) {
    let done = false;
    const run = await engine.startRun({
      workflow: registered.workflowId,
      version: registered.version,
      inputs: { n: i },
    });
    const unsubscribe = engine.onEvents((events) => {
      if (events.some((event) => event.runId === run.id && event.type === 'run.succeeded')) done = true;
    });
    const t0 = performance.now();
    await worker.run({ until: () => done });
    perStep.push((performance.now() - t0) / 10);
    unsubscribe();
  }
  perStep.sort((a, b) => a - b);
  return { median: perStep[Math.floor(perStep.length / 2)], p99: perStep[Math.floor(perStep.length * 0.99)] };
}

function sqliteCeiling(dir, count = 20_000) {
  const db = new Database(join(dir, 'ceiling.db'));
  for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    begin.run();
    insert.run(`row ${i}`);
    commit.run();
  }
  const perSecond = count / ((performance.now() - started) / 1000);
  db.close();
  return perSecond;
}

const dir = mkdtempSync(join(tmpdir(), 'atom-bench-'));
try {
  const { engine, store } = await openEngine(dir);
  // Warm-up (not measured): lets the JIT compile the hot paths and SQLite fill its page cache.
  await throughput(engine, linear, WARMUP_RUNS);
  await throughput(engine, fanOut, WARMUP_RUNS);
  const a = await throughput(engine, linear, RUNS);
  const b = await throughput(engine, fanOut, RUNS);
  const lat = await overhead(engine, LATENCY_RUNS);
  await store.close();
  const ceiling = sqliteCeiling(dir);
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  console.log(
    `bench/engine on ${process.version}, ${RUNS} runs per workflow, embedded SQLite (${SQLITE_PRAGMAS.join(', ')})`,
  );
  console.log(
    `linear 10 steps : ${fmt(a.runsPerSecond)} runs/s, ${fmt(a.stepsPerSecond)} steps/s (${a.seconds.toFixed(2)} s)`,
  );
  console.log(
    `fan-out 10+join : ${fmt(b.runsPerSecond)} runs/s, ${fmt(b.stepsPerSecond)} steps/s (${b.seconds.toFixed(2)} s)`,
  );
  console.log(
    `overhead/step   : median ${lat.median.toFixed(3)} ms, p99 ${lat.p99.toFixed(3)} ms (${LATENCY_RUNS} linear runs one at a time; target <= 1 ms)`,
  );
  console.log(`sqlite ceiling  : ${fmt(ceiling)} one-row transactions/s`);
  console.log(
    `ratio           : linear ${((a.stepsPerSecond / ceiling) * 100).toFixed(1)}%, fan-out ${((b.stepsPerSecond / ceiling) * 100).toFixed(1)}% of the ceiling (target >= 25%)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
