// bench/runs-list: the runs list and the dashboard's figures over 100,000 runs on the embedded
// store (npm run bench:runs).
//
// 1. Seeds BENCH_RUN_COUNT runs (default 100,000; 7 of 10 succeeded, 2 failed, 1 cancelled, a few
//    in flight) and two step-end events for each started run, straight through the store
//    (@atom/store/seed, as the tests at that size do).
// 2. Times one page (50 runs) of GET /api/v1/runs' query for each filter the Studio uses, at the
//    top and 80% deep by cursor, as the median of 30 reads; then the same with migration 0036's
//    status index replaced by the single-column index it replaced (ratio: how much 0036 saves).
// 3. Times runActivity (GET /api/v1/stats) for a 60-minute and a 24-hour window.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSqliteStore } from '@atom/store';
import { seedRuns } from '@atom/store/seed';
import Database from 'better-sqlite3';

const COUNT = Number(process.env.BENCH_RUN_COUNT ?? 100_000);
const REPEAT = 30;
const NEWEST = Date.now();

const dir = mkdtempSync(join(tmpdir(), 'atom-bench-runs-'));
const file = join(dir, 'atom.db');
let store = createSqliteStore({ file });
await store.migrate();

const seedStart = performance.now();
const workflows = [0, 1, 2, 3, 4].map((i) => ({ workflowId: `wf-${i}`, name: `flow-${i}`, version: 1 }));
await seedRuns(store, { count: COUNT, workflows, newest: NEWEST, stepNodeTypes: ['http.request', 'transform'] });
const seedMs = performance.now() - seedStart;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
async function timed(fn) {
  const times = [];
  for (let i = 0; i < REPEAT; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** The cursor 80% deep into a filter's listing, found by paging through it once. */
async function deepCursor(filter) {
  const all = await store.listRuns(filter);
  const at = all[Math.floor(all.length * 0.8)];
  return at ? { createdAt: at.createdAt, id: at.id } : undefined;
}

/** @type {Record<string, import('@atom/engine').RunFilter>} */
const FILTERS = {
  'all runs': {},
  'status=failed': { status: ['failed'] },
  'status=waiting (1 run)': { status: ['waiting'] },
  'status=failed,cancelled': { status: ['failed', 'cancelled'] },
  'workflow + status=failed': { workflowId: 'wf-2', status: ['failed'] },
  'a 1-hour window + status=failed': {
    createdFrom: NEWEST - 7_200_000,
    createdTo: NEWEST - 3_600_000,
    status: ['failed'],
  },
};

async function measure() {
  const rows = {};
  for (const [name, filter] of Object.entries(FILTERS)) {
    const after = await deepCursor(filter);
    rows[name] = {
      top: await timed(() => store.listRuns({ ...filter, limit: 51 })),
      deep: await timed(() => store.listRuns({ ...filter, limit: 51, ...(after ? { after } : {}) })),
    };
  }
  return rows;
}

const withIndex = await measure();
const minute = 60_000;
const from = (minutes) => Math.floor(NEWEST / minute) * minute - (minutes - 1) * minute;
const hour = await timed(() => store.runActivity({ from: from(60), to: NEWEST + 1, bucketMs: minute, nodeTypes: 10 }));
const day = await timed(() => store.runActivity({ from: from(1440), to: NEWEST + 1, bucketMs: minute, nodeTypes: 10 }));

// The index this branch replaced, for the ratio.
await store.close();
const raw = new Database(file);
raw.exec('drop index runs_status_listing; create index runs_status on runs (status);');
raw.close();
store = createSqliteStore({ file });
const before = await measure();
await store.close();
rmSync(dir, { recursive: true, force: true });

const f = (ms) => `${ms.toFixed(2)} ms`.padStart(10);
console.log(
  `runs list over ${COUNT.toLocaleString()} runs (SQLite; seeded in ${(seedMs / 1000).toFixed(1)} s); median of ${REPEAT} reads of one 50-run page`,
);
console.log(
  `${'filter'.padEnd(34)}${'top'.padStart(10)}${'80% deep'.padStart(10)}${'0002 top'.padStart(11)}${'0002 deep'.padStart(11)}  ratio`,
);
for (const name of Object.keys(FILTERS)) {
  const now = withIndex[name];
  const old = before[name];
  const ratio = Math.max(old.top, old.deep) / Math.max(now.top, now.deep);
  console.log(`${name.padEnd(34)}${f(now.top)}${f(now.deep)} ${f(old.top)} ${f(old.deep)}  ${ratio.toFixed(1)}x`);
}
console.log(`dashboard figures (runActivity): 60-minute window ${f(hour)}, 24-hour window ${f(day)}`);
