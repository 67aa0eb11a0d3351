// bench/stats: the dashboard's figures (GET /api/v1/stats, RunStatsReader.runActivity) over a day
// of activity, on the embedded store (SQLite) and on PostgreSQL (npm run bench:stats).
//
// 1. Seeds BENCH_STATS_RUNS runs (default 72,000: 50 a minute over the last 24 hours) with one
//    step-end event per node type each (five: 360,000 events), straight through the store
//    (@atom/store/seed), in the `default` workspace.
// 2. Times runActivity for a 1-hour, a 24-hour and a 7-day window of minute buckets ending now, of
//    the workspace (what the API reads): the first read (which fills the rollup of ADR 0020 for the
//    closed minutes it covers), then the median of BENCH_STATS_REPEAT reads.
// 3. Prints the step percentiles next to the exact ones (nearest rank over the raw events).
//
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the PostgreSQL
// server; the bench creates and drops a database of its own there. BENCH_STATS_STORES=sqlite skips it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSqliteStore } from '@atom/store';
import { createPostgresStore } from '@atom/store/postgres';
import { seedRuns } from '@atom/store/seed';
import pg from 'pg';

const COUNT = Number(process.env.BENCH_STATS_RUNS ?? 72_000);
const REPEAT = Number(process.env.BENCH_STATS_REPEAT ?? 10);
const STORES = (process.env.BENCH_STATS_STORES ?? 'sqlite,postgres').split(',');
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NODE_TYPES = ['http.request', 'transform', 'slack.postMessage', 'ai.classify', 'code'];
const DAY_MS = 86_400_000;
const MINUTE = 60_000;
const NEWEST = Date.now();
const WINDOWS = { '1 h': 60, '24 h': 1440, '7 d': 10_080 };

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const f = (ms) => `${ms.toFixed(1)} ms`.padStart(11);

/** The exact nearest-rank figures of the step-end events of [from, to), from every duration. */
function exactSteps(durations) {
  const sorted = [...durations].sort((a, b) => a - b);
  const rank = (p) => sorted[Math.ceil((p * sorted.length) / 100) - 1];
  return { count: sorted.length, p50Ms: rank(50), p95Ms: rank(95), maxMs: sorted.at(-1) };
}

const SETTLE_MS = 2000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(name, store, durationsOf, settleMs) {
  const seedStart = performance.now();
  const workflows = [0, 1, 2, 3, 4].map((i) => ({ workflowId: `wf-${i}`, name: `flow-${i}`, version: 1 }));
  const spacingMs = Math.floor((DAY_MS * 3) / COUNT);
  await seedRuns(store, { count: COUNT, workflows, newest: NEWEST, spacingMs, stepNodeTypes: NODE_TYPES });
  const seedS = (performance.now() - seedStart) / 1000;
  const events = (COUNT * NODE_TYPES.length).toLocaleString();
  console.log(`${name}: ${COUNT.toLocaleString()} runs, ${events} step-end events seeded in ${seedS.toFixed(1)} s`);
  console.log(
    `${'window'.padEnd(8)}${'first read'.padStart(11)}${'settled'.padStart(11)}${'median'.padStart(11)}   steps   p50 (exact)   p95 (exact)   max`,
  );
  for (const [label, minutes] of Object.entries(WINDOWS)) {
    const from = Math.floor(NEWEST / MINUTE) * MINUTE - (minutes - 1) * MINUTE;
    const query = { from, to: NEWEST + 1, bucketMs: MINUTE, nodeTypes: 10, workspaceId: 'default' };
    const timed = async () => {
      const start = performance.now();
      const activity = await store.runActivity(query);
      return { activity, ms: performance.now() - start };
    };
    const first = await timed();
    if (settleMs > 0) await sleep(settleMs);
    const settled = await timed();
    const times = [];
    for (let i = 0; i < REPEAT; i++) times.push((await timed()).ms);
    const exact = exactSteps(await durationsOf(from, NEWEST + 1));
    const s = settled.activity.steps;
    const off =
      s.count === exact.count && s.maxMs === exact.maxMs ? '' : `  exact count ${exact.count}, max ${exact.maxMs}`;
    console.log(
      `${label.padEnd(8)}${f(first.ms)}${f(settled.ms)}${f(median(times))}   ${String(s.count).padStart(7)} ${String(s.p50Ms).padStart(5)} (${exact.p50Ms})${String(s.p95Ms).padStart(8)} (${exact.p95Ms})${String(s.maxMs).padStart(7)}${off}`,
    );
  }
}

const ENDS = `select cast(data ->> 'durationMs' as double precision) as d from run_events
  where type in ('step.succeeded', 'step.failed') and at >= $1 and at < $2 and data ->> 'durationMs' is not null`;

if (STORES.includes('sqlite')) {
  const dir = mkdtempSync(join(tmpdir(), 'atom-bench-stats-'));
  const store = createSqliteStore({ file: join(dir, 'atom.db') });
  await store.migrate();
  const Database = (await import('better-sqlite3')).default;
  const raw = new Database(join(dir, 'atom.db'), { readonly: true });
  const read = raw.prepare(ENDS.replace('$1', '?').replace('$2', '?').replaceAll('double precision', 'real'));
  try {
    const durations = async (from, to) => read.all(from, to).map((r) => /** @type {{ d: number }} */ (r).d);
    await measure('SQLite', store, durations, 0);
  } finally {
    raw.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (STORES.includes('postgres')) {
  const database = `atom_bench_stats_${process.pid}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const url = new URL(SERVER);
  url.pathname = `/${database}`;
  const store = createPostgresStore({ connectionString: url.toString(), poolMax: 4, statsSettleMs: SETTLE_MS });
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await store.migrate();
    await client.connect();
    const durations = async (from, to) => (await client.query(ENDS, [from, to])).rows.map((r) => r.d);
    await measure('PostgreSQL', store, durations, SETTLE_MS);
  } finally {
    await client.end();
    await store.close();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  }
}
