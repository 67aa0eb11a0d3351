/**
 * Chaos on the distributed engine (issue 4, "must show"), with real processes: 2 API processes
 * (`atom start --no-worker`) and 3 workers (`atom worker`) on a PostgreSQL server of the test's
 * own. 500 runs of a workflow with parallel branches, a foreach and retries are started through
 * the API (with an Idempotency-Key) and through plain and GitHub-signed webhooks (with delivery
 * ids), by clients that retry on the next API process whatever failed because a process died.
 * Meanwhile, at moments drawn from the load's progress, API processes and workers are SIGKILLed
 * and started again, several times each, and PostgreSQL is killed and restarted once.
 *
 * Then: every run succeeded with the outputs its `n` implies; each step result was committed once
 * (one `step.succeeded` event per step); no run or step is left running, queued or due; every
 * accepted request id has exactly one run, the one its client was answered with; every step
 * reached the counter server at least as often as it needed. The counts are printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli-process.js';
import { type CounterServer, startCounterServer } from '../support/counter-server.js';
import { privatePostgresUnavailable, usePrivatePostgres } from '../support/private-postgres.js';
import { githubSignature } from '../support/webhook-signing.js';
import { CHAOS_WORKFLOW, counterCalls, expectedOutputs, HOOK_SECRET, STEP_KEYS } from './chaos-workflow.js';
import { prepareData } from './prepare-data.js';
import { type ProcessCluster, startProcessCluster } from './process-cluster.js';
import { retryingClient, type StartRequest } from './retrying-client.js';

const RUNS = 500;
const APIS = 2;
const WORKERS = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (low: number, high: number) => low + Math.random() * (high - low);
const pick = (count: number) => Math.floor(Math.random() * count);

/** Run `n` is started through the API, a plain webhook or a signed one, in turn. */
function startRequest(n: number, token = ''): { request: StartRequest; dedupeKey: string } {
  const body = JSON.stringify(n % 3 === 0 ? { inputs: { n } } : { n });
  if (n % 3 === 0) {
    const key = `api-${n}`;
    return {
      request: {
        path: '/api/v1/workflows/chaos/runs',
        headers: { 'idempotency-key': key, authorization: `Bearer ${token}` },
        body,
      },
      dedupeKey: `api:${key}`,
    };
  }
  if (n % 3 === 1) {
    const id = `plain-${n}`;
    return { request: { path: '/hooks/chaos-plain', headers: { 'x-delivery-id': id }, body }, dedupeKey: `hook:${id}` };
  }
  const id = `gh-${n}`;
  const headers = { 'x-github-delivery': id, 'x-hub-signature-256': githubSignature(HOOK_SECRET, body) };
  return { request: { path: '/hooks/chaos-signed', headers, body }, dedupeKey: `hook:${id}` };
}

const unavailable = await privatePostgresUnavailable('chaos test of the distributed engine');
if (unavailable === undefined) {
  describe('chaos: SIGKILLed API and worker processes, a restarted PostgreSQL', () => {
    const postgres = usePrivatePostgres();
    const dir = mkdtempSync(join(tmpdir(), 'atom-chaos-'));
    let counter: CounterServer | undefined;
    let cluster: ProcessCluster | undefined;
    afterAll(async () => {
      await cluster?.stop();
      await counter?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('ends every run once, with the right outputs, nothing committed twice or lost', async () => {
      assertBuilt();
      counter = await startCounterServer(15);
      const db = postgres();
      const env = {
        DATABASE_URL: db.url,
        ATOM_LOG_LEVEL: 'warn',
        ATOM_HTTP_ALLOW: '127.0.0.1',
        ATOM_VAR_COUNTER: counter.url,
        ATOM_SECRET_CHAOS_HOOK: HOOK_SECRET,
        ATOM_DB_POOL_MAX: '6',
        ATOM_SHUTDOWN_GRACE_MS: '2000',
      };
      const data = join(dir, 'data');
      const token = await prepareData(data, env, CHAOS_WORKFLOW);

      cluster = await startProcessCluster({ apis: APIS, workers: WORKERS, workerConcurrency: 16, dataDir: data, env });
      const processes = cluster;
      const client = retryingClient(processes.apiUrls, 90_000);
      const neededHits = Array.from({ length: RUNS }, (_, n) =>
        counterCalls(n).reduce((sum, [, needed]) => sum + needed, 0),
      ).reduce((a, b) => a + b, 0);
      const hits = () => [...(counter as CounterServer).hits.values()].reduce((sum, v) => sum + v, 0);
      const progress = () => hits() / neededHits;
      const counts = { apiKills: 0, workerKills: 0, postgresRestarts: 0 };
      const giveUpAt = Date.now() + 170_000;
      const until = async (check: () => boolean, what: string) => {
        while (!check()) {
          if (Date.now() > giveUpAt) throw new Error(`chaos: ${what} never happened`);
          await sleep(10);
        }
      };

      // Submissions: 24 at a time, each retried until some API process accepts it.
      const answered = new Map<number, string>();
      let accepted = 0;
      let next = 0;
      const submitter = async () => {
        while (next < RUNS) {
          const n = next++;
          answered.set(n, await client.send(startRequest(n, token).request, n));
          accepted++;
        }
      };
      const submitting = Promise.all(Array.from({ length: 24 }, submitter));

      // API kills: three while requests arrive, one while the runs execute.
      const apiChaos = async () => {
        const moments = [
          () => accepted >= between(30, 120),
          () => accepted >= between(150, 280),
          () => accepted >= between(300, 450),
          () => progress() >= between(0.55, 0.7),
        ];
        for (const moment of moments) {
          await until(moment, 'an API kill moment');
          const index = pick(APIS);
          await processes.kill('api', index);
          counts.apiKills++;
          await sleep(between(50, 500));
          await processes.start('api', index);
        }
      };
      // Worker kills spread over the execution, and PostgreSQL killed (immediate) once mid-load.
      const workerChaos = async () => {
        const moments: Array<[number, 'worker' | 'postgres']> = [
          [between(0.05, 0.18), 'worker'],
          [between(0.22, 0.35), 'worker'],
          [between(0.4, 0.5), 'postgres'],
          [between(0.55, 0.68), 'worker'],
          [between(0.72, 0.85), 'worker'],
        ];
        for (const [fraction, what] of moments) {
          await until(() => progress() >= fraction, `progress ${fraction.toFixed(2)}`);
          if (what === 'postgres') {
            await db.stop('immediate');
            await sleep(between(200, 800));
            await db.start();
            counts.postgresRestarts++;
            continue;
          }
          const index = pick(WORKERS);
          await processes.kill('worker', index);
          counts.workerKills++;
          await sleep(between(0, 500));
          await processes.start('worker', index);
        }
      };

      const sql = new pg.Pool({ connectionString: db.url, max: 2 });
      try {
        await Promise.all([submitting, apiChaos(), workerChaos()]).catch((error: unknown) => {
          throw new Error(`${String(error)}\n${processes.logs()}`);
        });
        // Every run ends; nothing may stay queued or running.
        let statuses: Record<string, number> = {};
        for (;;) {
          const result = await sql.query<{ status: string; n: number }>(
            'select status, count(*)::int as n from runs group by status',
          );
          statuses = Object.fromEntries(result.rows.map((row) => [row.status, row.n]));
          const ended = (statuses.succeeded ?? 0) + (statuses.failed ?? 0) + (statuses.cancelled ?? 0);
          if (ended >= RUNS) break;
          if (Date.now() > giveUpAt) {
            throw new Error(`runs not ended in time: ${JSON.stringify(statuses)}\n${processes.logs()}`);
          }
          await sleep(250);
        }
        expect(statuses).toEqual({ succeeded: RUNS });

        // Every accepted request id has exactly one run: the one its client was answered with.
        const runs = await sql.query<{ id: string; dedupe_key: string; outputs: unknown }>(
          'select id, dedupe_key, outputs from runs',
        );
        expect(runs.rows).toHaveLength(RUNS);
        const byKey = new Map(runs.rows.map((row) => [row.dedupe_key, row]));
        for (let n = 0; n < RUNS; n++) {
          const run = byKey.get(startRequest(n).dedupeKey);
          expect(run?.id, `run of request ${n}`).toBe(answered.get(n));
          expect(run?.outputs, `outputs of run ${n}`).toEqual(expectedOutputs(n));
        }

        // Each step exists once, succeeded, and its result was committed exactly once.
        const steps = await sql.query<{ run_id: string; key: string; status: string }>(
          'select run_id, key, status from steps',
        );
        expect(steps.rows).toHaveLength(RUNS * STEP_KEYS.length);
        expect(steps.rows.filter((step) => step.status !== 'succeeded')).toEqual([]);
        const commits = await sql.query<{ run_id: string; step_key: string; n: number }>(
          "select run_id, step_key, count(*)::int as n from run_events where type = 'step.succeeded' group by 1, 2",
        );
        expect(commits.rows).toHaveLength(steps.rows.length);
        expect(commits.rows.filter((row) => row.n !== 1)).toEqual([]);

        // Every counted step reached the server as often as it needed; more is a re-execution.
        let executions = 0;
        let duplicates = 0;
        for (let n = 0; n < RUNS; n++) {
          const runId = answered.get(n) as string;
          for (const [key, needed] of counterCalls(n)) {
            const seen = counter.hits.get(`${runId}/${key}`) ?? 0;
            expect(seen, `${runId}/${key}`).toBeGreaterThanOrEqual(needed);
            executions += seen;
            duplicates += seen - needed;
          }
        }
        // A process may stop by itself when it cannot reach PostgreSQL (a start during the restart):
        // with a clear Atom error and exit code, never a crash of Node.
        const exits = processes.unexpectedExits();
        for (const exit of exits) {
          expect(exit.signal, exit.output).toBeNull();
          expect(exit.output).toMatch(/error ATOM_ERR_STORE_\w+:/);
          expect(exit.output).not.toMatch(/Unhandled|ATOM_ERR_INTERNAL/);
        }
        expect(counts.apiKills).toBeGreaterThanOrEqual(3);
        expect(counts.workerKills).toBeGreaterThanOrEqual(3);
        expect(counts.postgresRestarts).toBe(1);
        console.log(
          `chaos: ${RUNS} runs (${Math.ceil(RUNS / 3)} API, ${RUNS - Math.ceil(RUNS / 3)} webhooks), ` +
            `${steps.rows.length} steps committed once each; ${counts.apiKills} API kills, ` +
            `${counts.workerKills} worker kills, ${counts.postgresRestarts} PostgreSQL restart, ` +
            `${processes.starts() - APIS - WORKERS} process restarts (${exits.length} after exiting by themselves); ` +
            `${client.retried()} requests retried; ` +
            `${executions} HTTP step executions for ${neededHits} needed: ${duplicates} re-executed ` +
            `(at-least-once), 0 committed twice`,
        );
      } finally {
        await sql.end();
      }
    }, 240_000);
  });
}
