// bench/stream: fan-out latency of the live stream (npm run bench:stream).
//
// An Atom server with its embedded worker on a SQLite file runs in this process; N WebSocket
// clients (N = 100 and 1,000, BENCH_SUBSCRIBERS to change) run in a worker thread, so the two
// sides use both cores. Every client subscribes to one workflow; then RUNS runs of it execute (a
// foreach of 20 transforms: about 70 events a run). The latency of an event for one client is the
// time from the moment the engine reported it committed (Engine.onEvents, right after the commit)
// to the moment that client parsed it, both read from the same wall clock
// (performance.timeOrigin + performance.now()). Printed: p50, p99 and max over every (event,
// client) pair, and events delivered per second.
//
// With BENCH_DATABASE_URL=postgres://… the store is that PostgreSQL database (a schema of its own,
// dropped afterwards) and events reach the stream through the LISTEN/NOTIFY bus, as in
// distributed mode: the latency then includes the NOTIFY round trip and the feed read.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { Engine } from '@atom/engine';
import { builtinNodes, createNodeRegistry } from '@atom/nodes';
import {
  createKeyring,
  createLogger,
  createServer,
  generateKey,
  issueApiToken,
  postgresEventBus,
  WorkspaceSecrets,
} from '@atom/server';
import { createFileBlobStore, createSqliteStore } from '@atom/store';
import { createPostgresStore } from '@atom/store/postgres';
import pg from 'pg';

const DATABASE_URL = process.env.BENCH_DATABASE_URL;
const SCHEMA = `bench_stream_${process.pid}`;

const LEVELS = (process.env.BENCH_SUBSCRIBERS ?? '100,1000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WORKFLOW =
  'atom: 1\nname: fan\nsteps:\n  - id: each\n    foreach: "{{ [1..20] }}"\n    concurrency: 4\n    uses: transform\n    with: { n: "{{ $item }}" }\n  - id: done\n    uses: transform\n    with: { total: "{{ $sum($steps.each.output.n) }}" }\n';

const now = () => performance.timeOrigin + performance.now();
const keyOf = (e) => `${e.runId}|${e.type}|${e.stepKey ?? ''}`;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function startAtom(dir) {
  const store = DATABASE_URL
    ? createPostgresStore({ connectionString: DATABASE_URL, schema: SCHEMA, poolMax: 10 })
    : createSqliteStore({ file: join(dir, 'atom.db') });
  await store.migrate();
  const secrets = new WorkspaceSecrets({ store, keyring: createKeyring({ active: generateKey() }), envSecrets: {} });
  const engine = new Engine({
    store,
    blobs: createFileBlobStore(join(dir, 'blobs')),
    nodes: createNodeRegistry(builtinNodes({ httpAllow: [], code: { memoryBytes: 32 << 20, timeoutMs: 500 } })),
    secrets,
  });
  const logger = createLogger({
    level: 'warn',
    secretValues: () => [],
    destination: new Writable({
      write: (c, _e, done) => {
        if (process.env.BENCH_LOG) process.stderr.write(c);
        done();
      },
    }),
  });
  /** @type {import('@atom/store').UserRecord} */
  const user = {
    id: randomUUID(),
    email: 'bench@example.test',
    role: 'owner',
    passwordHash: null,
    createdAt: Date.now(),
  };
  await store.createUser(user);
  const { token } = await issueApiToken(store, {
    user,
    workspaceId: 'default',
    name: 'bench',
    role: null,
    expiresInDays: null,
    now: Date.now(),
  });
  const stop = new AbortController();
  const workerDone = engine.createWorker({ id: 'bench', concurrency: 8, pollMs: 20 }).run({ signal: stop.signal });
  const bus = DATABASE_URL
    ? postgresEventBus({ engine, store, connectionString: DATABASE_URL, logger, channel: SCHEMA })
    : undefined;
  await bus?.ready;
  const server = await createServer({
    engine,
    control: store,
    secrets,
    logger,
    version: 'bench',
    scheduler: false,
    ...(bus ? { bus } : {}),
  });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    engine,
    url,
    token,
    async close() {
      await server.close();
      stop.abort();
      await workerDone;
      await bus?.close();
      await store.close();
      if (DATABASE_URL) {
        const admin = new pg.Client({ connectionString: DATABASE_URL });
        await admin.connect();
        await admin.query(`drop schema if exists ${SCHEMA} cascade`);
        await admin.end();
      }
    },
  };
}

function clients(url, token, count) {
  const worker = new Worker(new URL('./clients.js', import.meta.url), { workerData: { url, token, count } });
  const replies = [];
  const waiting = [];
  worker.on('message', (message) => {
    const next = waiting.shift();
    if (next) next(message);
    else replies.push(message);
  });
  worker.on('error', (error) => {
    console.error(error);
    process.exit(1);
  });
  const reply = () => (replies.length > 0 ? Promise.resolve(replies.shift()) : new Promise((r) => waiting.push(r)));
  return { worker, reply, send: (message) => worker.postMessage(message) };
}

async function level(atom, count) {
  const api = (path, body) =>
    fetch(`${atom.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${atom.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  const side = clients(atom.url, atom.token, count);
  const ready = await side.reply();
  const committed = new Map();
  const unsubscribe = atom.engine.onEvents((events) => {
    const at = now();
    for (const e of events) if (!committed.has(keyOf(e))) committed.set(keyOf(e), at);
  });
  const started = now();
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push((await api('/api/v1/workflows/fan/runs?wait=60', {})).id);
  // Every run's events, as the clients expect them.
  let expected = 0;
  for (const id of runs) {
    const events = await fetch(`${atom.url}/api/v1/runs/${id}/events`, {
      headers: { authorization: `Bearer ${atom.token}` },
    }).then((r) => r.json());
    expected += events.items.length;
  }
  side.send({ type: 'expect', events: expected });
  const { received, seconds } = await side.reply();
  unsubscribe();
  const latencies = [];
  for (const [key, times] of Object.entries(received)) {
    const at = committed.get(key);
    if (at === undefined) continue;
    for (const t of times) latencies.push(t - at);
  }
  latencies.sort((a, b) => a - b);
  const delivered = expected * count;
  const elapsed = (now() - started) / 1000;
  await side.worker.terminate();
  return {
    subscribers: count,
    connectMs: ready.connectMs,
    events: expected,
    delivered,
    measured: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    perSecond: delivered / Math.max(elapsed, seconds),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'atom-bench-stream-'));
const atom = await startAtom(dir);
try {
  const created = await fetch(`${atom.url}/api/v1/workflows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${atom.token}`, 'content-type': 'application/yaml' },
    body: WORKFLOW,
  });
  if (created.status !== 201) throw new Error(`workflow not created: ${await created.text()}`);
  // A thousand upgrades at once are a thousand requests: lift the workspace's request allowance.
  const lifted = await fetch(`${atom.url}/api/v1/workspace/limits`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${atom.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tier: 'enterprise', overrides: { requestsPerMinute: null, burst: 100000 } }),
  });
  if (lifted.status !== 200) throw new Error(`limits not lifted: ${await lifted.text()}`);
  const where = DATABASE_URL ? 'PostgreSQL, LISTEN/NOTIFY bus' : 'SQLite, in-process bus';
  console.log(`bench/stream: ${RUNS} runs of a 21-step workflow, every event to each subscriber (${where})`);
  const rows = [];
  for (const count of LEVELS) rows.push(await level(atom, count));
  console.log('subscribers  events  delivered  p50 ms  p99 ms  max ms  deliveries/s  connect ms');
  for (const r of rows) {
    console.log(
      `${String(r.subscribers).padStart(11)}  ${String(r.events).padStart(6)}  ${String(r.delivered).padStart(9)}  ${r.p50.toFixed(1).padStart(6)}  ${r.p99.toFixed(1).padStart(6)}  ${r.max.toFixed(1).padStart(6)}  ${Math.round(r.perSecond).toString().padStart(12)}  ${Math.round(r.connectMs).toString().padStart(10)}`,
    );
    if (r.measured !== r.delivered) console.log(`  (latency known for ${r.measured} of ${r.delivered} deliveries)`);
  }
  const [a, b] = [rows[0], rows.at(-1)];
  if (a && b && rows.length >= 2) {
    console.log(`p99 ratio ${b.subscribers}/${a.subscribers} subscribers: ${(b.p99 / a.p99).toFixed(2)}×`);
  }
} finally {
  await atom.close();
  rmSync(dir, { recursive: true, force: true });
}
