// bench/distributed: the distributed engine on PostgreSQL (npm run bench:distributed).
//
// 1. Throughput: RUNS runs of a fan-out workflow (a foreach of 8 transforms, then a join: 10 step
//    rows a run) are started in one burst while 1, 2, then 4 `atom worker` processes (each
//    --concurrency 32) wait idle on the database; steps/s is the number of steps committed divided
//    by the time from the first start to the last run's end.
// 2. The ceiling: one-row INSERT transactions per second from Node (pg, 8 connections, autocommit),
//    on the same server in the same run, and the ratio steps/s ÷ ceiling.
// 3. An idle cluster: 1 API process (`atom start --no-worker`) and 2 workers, nothing running; a
//    counting TCP proxy in front of PostgreSQL counts every statement they send (Query and Execute
//    messages) for IDLE_SECONDS, per connection kind (application_name).
//
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server; the
// bench creates and drops a database of its own there. BENCH_RUNS (default 1000), BENCH_WORKERS
// (default 1,2,4), BENCH_IDLE_SECONDS (default 40).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '@atom/engine';
import { builtinNodes, createNodeRegistry } from '@atom/nodes';
import { createFileBlobStore } from '@atom/store';
import { createPostgresStore } from '@atom/store/postgres';
import pg from 'pg';
import { startCountingProxy } from './counting-proxy.js';

const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RUNS = Number(process.env.BENCH_RUNS ?? 1000);
const LEVELS = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 40);
const CLI = new URL('../../apps/atom/dist/main.js', import.meta.url).pathname;
const WORKFLOW = {
  atom: 1,
  name: 'bench-fan',
  steps: [
    { id: 'each', foreach: '{{ [1..8] }}', concurrency: 8, uses: 'transform', with: { n: '{{ $item }}' } },
    { id: 'done', uses: 'transform', with: { total: '{{ $sum($steps.each.output.n) }}' } },
  ],
  outputs: { total: '{{ $steps.done.output.total }}' },
};
const STEPS_PER_RUN = 10;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const urlOf = (database, port) => {
  const url = new URL(SERVER);
  url.pathname = `/${database}`;
  if (port) url.port = String(port);
  url.hostname = url.hostname || '127.0.0.1';
  return url.toString();
};

async function admin(sql) {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

function startProcess(args, env, dataDir) {
  const child = spawn(process.execPath, [CLI, ...args, '--data', dataDir], {
    env: { ...process.env, ATOM_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', process.env.BENCH_LOG ? 'inherit' : 'ignore'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function untilTrue(check, what, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: ${what} did not happen in time`);
    await sleep(50);
  }
}

async function throughput(url, dataDir, workers) {
  const store = createPostgresStore({ connectionString: url, poolMax: 10 });
  await store.migrate();
  const engine = new Engine({
    store,
    blobs: createFileBlobStore(join(dataDir, 'blobs')),
    nodes: createNodeRegistry(builtinNodes({ httpAllow: [], code: { memoryBytes: 32 << 20, timeoutMs: 500 } })),
  });
  await engine.registerWorkflow(WORKFLOW);
  const count = async (sql) => Number((await store.counters.all(sql, []))[0].n);
  const processes = [];
  try {
    for (let i = 0; i < workers; i++) {
      processes.push(
        startProcess(['worker', '--concurrency', '32'], { DATABASE_URL: url, ATOM_DB_POOL_MAX: '12' }, dataDir),
      );
    }
    await untilTrue(async () => (await count('select count(*)::int as n from workers')) === workers, 'worker start');
    const before = await count("select count(*)::int as n from steps where status = 'succeeded'");
    const runsBefore = await count("select count(*)::int as n from runs where status = 'succeeded'");
    const t0 = performance.now();
    for (let i = 0; i < RUNS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, RUNS - i) }, () => engine.startRun({ workflow: 'bench-fan' })),
      );
    }
    await untilTrue(
      async () => (await count("select count(*)::int as n from runs where status = 'succeeded'")) - runsBefore === RUNS,
      'all runs ending',
    );
    const seconds = (performance.now() - t0) / 1000;
    const steps = (await count("select count(*)::int as n from steps where status = 'succeeded'")) - before;
    if (steps !== RUNS * STEPS_PER_RUN)
      throw new Error(`bench: ${steps} steps committed, expected ${RUNS * STEPS_PER_RUN}`);
    return { steps, seconds, stepsPerSecond: steps / seconds };
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await store.close();
  }
}

async function ceiling(url) {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  await pool.query('create table if not exists bench_ceiling (id bigserial primary key, v integer not null)');
  const seconds = 5;
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < end) {
        await pool.query('insert into bench_ceiling (v) values ($1)', [done]);
        done++;
      }
    }),
  );
  await pool.end();
  return done / seconds;
}

async function idleCluster(url, dataDir) {
  const target = new URL(url);
  const proxy = await startCountingProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const env = { DATABASE_URL: urlOf(target.pathname.slice(1), proxy.port), ATOM_DB_POOL_MAX: '4' };
  const processes = [startProcess(['start', '--no-worker', '--port', '0'], env, dataDir)];
  for (let i = 0; i < 2; i++) processes.push(startProcess(['worker'], env, dataDir));
  try {
    // Start-up (migrations, registration, first reads) is not idling: let it pass, then count.
    await sleep(8_000);
    proxy.reset();
    await sleep(IDLE_SECONDS * 1000);
    const counts = proxy.counts();
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return { total, perSecond: total / IDLE_SECONDS, counts };
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await proxy.close();
  }
}

async function main() {
  const database = `atom_bench_dist_${process.pid}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'atom-bench-dist-'));
  await admin(`create database ${database}`);
  const url = urlOf(database);
  try {
    const rows = [];
    for (const workers of LEVELS) rows.push({ workers, ...(await throughput(url, dataDir, workers)) });
    const txPerSecond = await ceiling(url);
    const idle = await idleCluster(url, dataDir);

    console.log(`bench/distributed: ${RUNS} runs × ${STEPS_PER_RUN} steps (foreach of 8 + join) on PostgreSQL`);
    console.log('workers  steps     seconds  steps/s  ÷ ceiling');
    for (const row of rows) {
      console.log(
        `${String(row.workers).padEnd(8)} ${String(row.steps).padEnd(9)} ${row.seconds.toFixed(2).padEnd(8)} ${row.stepsPerSecond.toFixed(0).padEnd(8)} ${(row.stepsPerSecond / txPerSecond).toFixed(3)}`,
      );
    }
    const one = rows.find((row) => row.workers === 1);
    for (const row of rows) {
      if (one && row !== one)
        console.log(
          `scaling ${row.workers} workers ÷ 1 worker: ${(row.stepsPerSecond / one.stepsPerSecond).toFixed(2)}×`,
        );
    }
    console.log(
      `PostgreSQL ceiling: ${txPerSecond.toFixed(0)} one-row INSERT transactions/s from Node (8 connections)`,
    );
    console.log(
      `idle cluster (1 API, 2 workers, nothing running): ${idle.total} statements in ${IDLE_SECONDS} s = ${idle.perSecond.toFixed(2)}/s`,
    );
    for (const [app, n] of Object.entries(idle.counts).sort()) console.log(`  ${app}: ${n}`);
  } finally {
    await admin(`drop database if exists ${database} with (force)`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
