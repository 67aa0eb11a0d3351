/**
 * The worker registry with real processes on PostgreSQL: one API process and two `atom worker`
 * processes record themselves (host, pid, concurrency, running steps); a worker SIGKILLed while its
 * steps run is shown dead within ATOM_WORKER_DEAD_AFTER_MS, the live worker's reaper releases its
 * leases long before they would expire (30 s), its steps run again there, and the run ends right.
 * GET /api/v1/workers and /metrics give the same figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresStore } from '@atom/store/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import { type CounterServer, startCounterServer } from '../support/counter-server.js';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import { until } from '../support/until.js';
import { prepareData } from './prepare-data.js';
import { type ProcessCluster, startProcessCluster } from './process-cluster.js';

const unreachable = await postgresUnreachable('worker registry with real processes');

const WORKFLOW = `atom: 1
name: slow-items
steps:
  - id: each
    foreach: "{{ [1, 2, 3, 4] }}"
    concurrency: 4
    uses: http.request
    with:
      url: "{{ $vars.COUNTER }}/slow"
      method: POST
      body: { item: "{{ $item }}" }
    output: "{{ $output.body.echo.item }}"
outputs:
  items: "{{ $steps.each.output }}"
`;

interface WorkerView {
  id: string;
  pid: number;
  host: string;
  concurrency: number;
  running: number;
  alive: boolean;
}

describe.skipIf(unreachable !== undefined)('worker registry with real processes', () => {
  const url = useTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'atom-registry-'));
  let counter: CounterServer | undefined;
  let cluster: ProcessCluster | undefined;
  afterAll(async () => {
    await cluster?.stop(3_000);
    await counter?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows workers with their running steps, detects a killed one and recovers its steps', async () => {
    assertBuilt();
    counter = await startCounterServer(6_000);
    const env = {
      DATABASE_URL: url,
      ATOM_LOG_LEVEL: 'warn',
      ATOM_HTTP_ALLOW: '127.0.0.1',
      ATOM_VAR_COUNTER: counter.url,
      ATOM_WORKER_HEARTBEAT_MS: '200',
      ATOM_WORKER_DEAD_AFTER_MS: '1500',
      ATOM_DB_POOL_MAX: '4',
    };
    const data = join(dir, 'data');
    const token = await prepareData(data, env, WORKFLOW);
    cluster = await startProcessCluster({ apis: 1, workers: 2, workerConcurrency: 2, dataDir: data, env });
    const base = cluster.apiUrls[0] as string;
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      return res;
    };
    const workers = async () => ((await (await get('/api/v1/workers')).json()) as { items: WorkerView[] }).items;

    await until(async () => (await workers()).filter((w) => w.alive).length === 2);
    for (const w of await workers()) expect(w).toMatchObject({ concurrency: 2, running: 0, alive: true });

    const started = await fetch(`${base}/api/v1/workflows/slow-items/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: {} }),
    });
    expect(started.status).toBe(202);
    const runId = ((await started.json()) as { id: string }).id;

    // Each worker holds two of the four items (its concurrency), as its heartbeat says.
    let seen: WorkerView[] = [];
    await until(async () => {
      seen = await workers();
      return seen.every((w) => w.running === 2);
    }, 30_000).catch((error: unknown) => {
      throw new Error(`workers never ran 2 each: last seen ${JSON.stringify(seen)}\n${cluster?.logs()}`, {
        cause: error,
      });
    });
    const metricsBusy = await (await get('/metrics')).text();
    expect(metricsBusy).toMatch(/atom_worker_steps\{kind="running"\} 4/);
    expect(metricsBusy).toMatch(/atom_worker_steps\{kind="capacity"\} 4/);

    const victim = (await workers())[0] as WorkerView;
    const killedAt = Date.now();
    await cluster.kill('worker', workerIndexOf(cluster, victim.pid));

    await until(async () => (await workers()).some((w) => w.id === victim.id && !w.alive), 10_000);
    const metricsDead = await (await get('/metrics')).text();
    expect(metricsDead).toMatch(/atom_workers\{state="alive"\} 1/);
    expect(metricsDead).toMatch(/atom_workers\{state="dead"\} 1/);

    const store = createPostgresStore({ connectionString: url, poolMax: 2 });
    try {
      await until(async () => (await store.getRun(runId))?.status === 'succeeded', 25_000);
      expect((await store.getRun(runId))?.outputs).toEqual({ items: [1, 2, 3, 4] });
      const events = await store.listEvents(runId);
      const expired = events.filter((e) => e.type === 'step.lease_expired');
      // The victim's two items came back through the reaper, well before their 30 s leases ended.
      expect(expired.map((e) => (e.data as { owner: string }).owner)).toEqual([victim.id, victim.id]);
      for (const e of expired) expect(e.at - killedAt).toBeLessThan(30_000);
      const commits = events.filter((e) => e.type === 'step.succeeded' && e.stepKey?.startsWith('each['));
      expect(commits.map((e) => e.stepKey).sort()).toEqual(['each[0]', 'each[1]', 'each[2]', 'each[3]']);
    } finally {
      await store.close();
    }
  }, 90_000);
});

/** Which of the cluster's workers runs as `pid`. */
function workerIndexOf(cluster: ProcessCluster, pid: number): number {
  for (const index of [0, 1]) if (cluster.pidOf('worker', index) === pid) return index;
  throw new Error(`no worker with pid ${pid}`);
}
