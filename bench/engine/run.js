// bench/engine: engine throughput and overhead on the embedded store (npm run bench:engine).
//
// Two workflows: a 10-step linear chain of `transform` steps, and a 10-way fan-out of `transform`
// steps joined by an 11th. Each is measured two ways, with one worker running throughout:
// - concurrent: BENCH_RUNS runs started all at once (the starts are issued together, without
//   waiting for one another), timed from the first start to the last run's end;
// - one by one: BENCH_RUNS runs, each started when the previous one has ended. The wall time of a
//   run divided by its steps is the engine's overhead per durable step (a `transform` does no work
//   of its own); its median is the overhead figure.
// The SQLite ceiling is measured in the same process, with the store's own pragmas (SQLITE_PRAGMAS):
// one-row INSERT transactions per second on a better-sqlite3 file, what any design on this disk
// could reach. The ceiling is measured right before and right after each engine measurement and the
// ratio uses their mean, so that both see the same machine (other processes share its cores).
// Because wall time depends on what else runs on the machine, the same ratio is also given in CPU
// time of this process (steps per CPU second over transactions per CPU second).
// Everything runs BENCH_ROUNDS times; the figures are medians of the rounds, each ratio the median
// of the rounds' ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine } from '@atom/engine';
import { builtinNodes, createNodeRegistry } from '@atom/nodes';
import { createFileBlobStore, createSqliteStore, SQLITE_PRAGMAS } from '@atom/store';
import Database from 'better-sqlite3';

const RUNS = Number(process.env.BENCH_RUNS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_RUNS = Number(process.env.BENCH_WARMUP_RUNS ?? 300);
const CEILING_TX = Number(process.env.BENCH_CEILING_TX ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
// For profiling one case: BENCH_ONLY=linear (or fanOut), BENCH_MODE=concurrent (or oneByOne).
const ONLY = process.env.BENCH_ONLY;
const MODE = process.env.BENCH_MODE;

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

/** An engine on a fresh store, its worker running until `stop()`, and a wait for any run's end. */
async function openEngine(dir) {
  const store = createSqliteStore({ file: join(dir, 'atom.db') });
  await store.migrate();
  const engine = new Engine({
    store,
    blobs: createFileBlobStore(join(dir, 'blobs')),
    nodes: createNodeRegistry(builtinNodes({ httpAllow: [], code: { memoryBytes: 32 << 20, timeoutMs: 1000 } })),
  });
  const waiting = new Map();
  const unsubscribe = engine.onEvents((events) => {
    for (const event of events) {
      if (event.type !== 'run.succeeded' && event.type !== 'run.failed') continue;
      const resolve = waiting.get(event.runId);
      if (event.type === 'run.failed') console.error(`run ${event.runId} failed`);
      if (resolve) {
        waiting.delete(event.runId);
        resolve(performance.now());
      } else waiting.set(event.runId, null);
    }
  });
  /** Resolves with the time the run ended (also when it ended before this call). */
  const ended = (runId) =>
    new Promise((resolve) => {
      if (waiting.has(runId) && waiting.get(runId) === null) {
        waiting.delete(runId);
        resolve(performance.now());
      } else waiting.set(runId, resolve);
    });
  let stopped = false;
  const worker = engine.createWorker({ id: 'bench', concurrency: CONCURRENCY }).run({ until: () => stopped });
  const stop = async () => {
    stopped = true;
    unsubscribe();
    await Promise.race([worker, new Promise((resolve) => setTimeout(resolve, 2000))]);
    await store.close();
  };
  return { engine, ended, stop };
}

/** CPU seconds this process has used (all threads). */
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

async function concurrent(bench, registered, runs) {
  const cpu = cpuSeconds();
  const started = performance.now();
  const starts = [];
  for (let i = 0; i < runs; i++) {
    starts.push(
      bench.engine.startRun({ workflow: registered.workflowId, version: registered.version, inputs: { n: i } }),
    );
  }
  const ends = await Promise.all((await Promise.all(starts)).map((run) => bench.ended(run.id)));
  const seconds = (Math.max(...ends) - started) / 1000;
  const steps = registered.workflow.steps.size;
  const cpu1 = cpuSeconds() - cpu;
  return {
    runsPerSecond: runs / seconds,
    stepsPerSecond: (runs * steps) / seconds,
    stepsPerCpu: (runs * steps) / cpu1,
  };
}

async function oneByOne(bench, registered, runs) {
  const steps = registered.workflow.steps.size;
  const perStep = [];
  const cpu = cpuSeconds();
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const run = await bench.engine.startRun({
      workflow: registered.workflowId,
      version: registered.version,
      inputs: { n: i },
    });
    perStep.push(((await bench.ended(run.id)) - t0) / steps);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu1 = cpuSeconds() - cpu;
  perStep.sort((a, b) => a - b);
  return {
    runsPerSecond: runs / seconds,
    stepsPerSecond: (runs * steps) / seconds,
    stepsPerCpu: (runs * steps) / cpu1,
    overhead: perStep[Math.floor(perStep.length / 2)],
    p99: perStep[Math.floor(perStep.length * 0.99)],
  };
}

function sqliteCeiling(file, count) {
  const db = new Database(file);
  for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const cpu = cpuSeconds();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    begin.run();
    insert.run(`row ${i}`);
    commit.run();
  }
  const perSecond = count / ((performance.now() - started) / 1000);
  const perCpu = count / (cpuSeconds() - cpu);
  db.close();
  return { perSecond, perCpu };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const dir = mkdtempSync(join(tmpdir(), 'atom-bench-'));
try {
  const bench = await openEngine(dir);
  const workflows = {
    linear: await bench.engine.registerWorkflow(linear),
    fanOut: await bench.engine.registerWorkflow(fanOut),
  };
  // Warm-up (not measured): lets the JIT compile the hot paths and SQLite fill its page cache.
  for (const registered of Object.values(workflows)) {
    await concurrent(bench, registered, WARMUP_RUNS);
    await oneByOne(bench, registered, Math.ceil(WARMUP_RUNS / 3));
  }
  const rounds = [];
  const ceilings = [];
  const ceiling = () => {
    const measured = sqliteCeiling(join(dir, `ceiling-${ceilings.length}.db`), CEILING_TX);
    ceilings.push(measured.perSecond);
    return measured;
  };
  /** One engine measurement between two ceiling measurements. */
  const bracketed = async (measure) => {
    const before = ceiling();
    const figures = await measure();
    const after = ceiling();
    return {
      ...figures,
      ceiling: (before.perSecond + after.perSecond) / 2,
      ceilingPerCpu: (before.perCpu + after.perCpu) / 2,
    };
  };
  for (let round = 0; round < ROUNDS; round++) {
    const figures = {};
    for (const [name, registered] of Object.entries(workflows)) {
      if (ONLY !== undefined && name !== ONLY) continue;
      figures[name] = {};
      if (MODE !== 'oneByOne') figures[name].concurrent = await bracketed(() => concurrent(bench, registered, RUNS));
      if (MODE !== 'concurrent') figures[name].oneByOne = await bracketed(() => oneByOne(bench, registered, RUNS));
    }
    rounds.push(figures);
  }
  await bench.stop();

  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  const lowest = Math.min(...ceilings);
  const highest = Math.max(...ceilings);
  console.log(
    `bench/engine on ${process.version}, ${RUNS} runs per workflow and mode, ${ROUNDS} rounds (medians), ` +
      `worker concurrency ${CONCURRENCY}, embedded SQLite (${SQLITE_PRAGMAS.join(', ')})`,
  );
  console.log(
    `sqlite ceiling           : median ${fmt(median(ceilings))} one-row transactions/s (${ceilings.length} measurements, ${fmt(lowest)}–${fmt(highest)})`,
  );
  for (const name of ['linear', 'fanOut']) {
    for (const mode of ['concurrent', 'oneByOne']) {
      if (rounds[0]?.[name]?.[mode] === undefined) continue;
      const of = (pick) => median(rounds.map((r) => pick(r[name][mode], r)));
      const ratio = of((m) => m.stepsPerSecond / m.ceiling) * 100;
      const cpuRatio = of((m) => m.stepsPerCpu / m.ceilingPerCpu) * 100;
      const label = `${name === 'linear' ? 'linear 10 steps' : 'fan-out 10+join'}, ${mode === 'concurrent' ? 'concurrent' : 'one by one'}`;
      let line =
        `${label.padEnd(25)}: ${fmt(of((m) => m.runsPerSecond))} runs/s, ${fmt(of((m) => m.stepsPerSecond))} steps/s, ` +
        `${ratio.toFixed(1)}% of the ceiling beside it (${fmt(of((m) => m.ceiling))}/s; target >= 25%), ` +
        `${cpuRatio.toFixed(1)}% in CPU time`;
      if (mode === 'oneByOne') {
        line += `; overhead/step median ${of((m) => m.overhead).toFixed(3)} ms, p99 ${of((m) => m.p99).toFixed(3)} ms (target <= 1 ms)`;
      }
      console.log(line);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
