// bench/http: webhook-to-answer throughput of `atom start` on its embedded SQLite store
// (npm run bench:http).
//
// The target is `POST /hooks/bench`, a 5-step workflow (bench.yaml) whose last step answers the
// request through `respond`: every request is a durable run of five committed steps. The baseline is
// a bare Fastify route (bare-server.js) parsing the same JSON, in its own process like Atom. Each is
// driven at 1, 10 and 50 connections (keep-alive) for BENCH_SECONDS (default 5) after a 1 s warm-up,
// from this process. At the end the runs in the database are counted: every 2xx answer must be a
// succeeded run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const here = dirname(fileURLToPath(import.meta.url));
const ATOM = join(here, '../../apps/atom/dist/main.js');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LEVELS = (process.env.BENCH_CONNECTIONS ?? '1,10,50').split(',').map(Number);

function start(command, args, env, ready) {
  const child = spawn(process.execPath, [command, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk) => {
      text += chunk;
      const url = ready(text);
      if (url) resolve({ child, url });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code}: ${text}`)));
  });
}

function post(agent, url, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/hooks/bench`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function load(url, connections, seconds) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let ok = 0;
  let failed = 0;
  const measureFrom = Date.now() + 1000;
  const stopAt = measureFrom + seconds * 1000;
  let n = 0;
  async function loop() {
    while (Date.now() < stopAt) {
      const t0 = performance.now();
      const measured = Date.now() >= measureFrom;
      const status = await post(agent, url, JSON.stringify({ n: n++ }));
      if (!measured) continue;
      if (status >= 200 && status < 300) {
        ok++;
        latencies.push(performance.now() - t0);
      } else failed++;
    }
  }
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = (Date.now() - measureFrom) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { rps: ok / elapsed, p50: at(0.5), p99: at(0.99), ok, failed };
}

const dir = mkdtempSync(join(tmpdir(), 'atom-bench-http-'));
const env = { ATOM_LOG_LEVEL: 'warn', DATABASE_URL: '' };
const imported = spawnSync(process.execPath, [ATOM, 'workflows', 'import', join(here, 'bench.yaml'), '--data', dir], {
  env: { ...process.env, ...env },
  encoding: 'utf8',
});
if (imported.status !== 0) throw new Error(`import failed: ${imported.stderr}`);

const atom = await start(
  ATOM,
  ['start', '--port', '0', '--data', dir],
  env,
  (text) => /listening on (http:\/\/\S+)/.exec(text)?.[1],
);
const bare = await start(join(here, 'bare-server.js'), [], {}, (text) => /(http:\/\/\S+)/.exec(text)?.[1]);

const rows = [];
let totalOk = 0;
for (const connections of LEVELS) {
  const a = await load(atom.url, connections, SECONDS);
  const b = await load(bare.url, connections, SECONDS);
  totalOk += a.ok;
  rows.push({ connections, atom: a, bare: b });
}
// Warm-up requests are durable runs too; count them from the answers of the whole session instead.
const answered = await (async () => {
  atom.child.kill('SIGTERM');
  await new Promise((resolve) => atom.child.once('exit', resolve));
  bare.child.kill('SIGTERM');
  const db = new Database(join(dir, 'atom.db'), { readonly: true });
  const count = (status) =>
    /** @type {{ n: number }} */ (
      db.prepare("select count(*) as n from runs where trigger_kind = 'webhook' and status = ?").get(status)
    ).n;
  const result = {
    succeeded: count('succeeded'),
    unfinished: count('running') + count('queued'),
    failed: count('failed'),
  };
  db.close();
  return result;
})();

const fmt = (x, d = 0) => x.toFixed(d).padStart(8);
console.log(`bench/http — POST /hooks/bench (5 durable steps, answered by respond) vs a bare Fastify route`);
console.log(`${SECONDS} s per level after 1 s warm-up; Node ${process.version}\n`);
console.log('conns |   atom req/s  p50 ms  p99 ms |   bare req/s  p50 ms  p99 ms | ratio');
for (const { connections, atom: a, bare: b } of rows) {
  console.log(
    `${String(connections).padStart(5)} | ${fmt(a.rps)}    ${fmt(a.p50, 2)}${fmt(a.p99, 2)} | ${fmt(b.rps)}    ${fmt(b.p50, 2)}${fmt(b.p99, 2)} | ${((a.rps / b.rps) * 100).toFixed(1)}%`,
  );
  if (a.failed > 0 || b.failed > 0) console.log(`      non-2xx answers: atom ${a.failed}, bare ${b.failed}`);
}
console.log(
  `\nruns in the database: ${answered.succeeded} succeeded, ${answered.failed} failed, ${answered.unfinished} unfinished (measured 2xx answers: ${totalOk}; warm-up requests add more runs)`,
);
if (answered.failed > 0 || answered.unfinished > 0) {
  console.log('NOT every answered request is a succeeded run');
  process.exitCode = 1;
}
rmSync(dir, { recursive: true, force: true });
