/**
 * Durability under kill -9 (DESIGN §1.1, §4), with real processes: `atom run` executes a 26-step
 * workflow (two parallel branches, a foreach, a join, a tail) whose steps call a local counter
 * server. The test SIGKILLs the process at random moments, several times, restarting it each time
 * with `atom resume`, then checks that the run ended with the right outputs, that every step's
 * result was committed exactly once, and that no step whose result was committed before a kill
 * was executed again.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorePort } from '@atom/engine';
import { createSqliteStore } from '@atom/store';
import { createPostgresStore } from '@atom/store/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startCli } from '../support/cli-process.js';
import { type CounterServer, startCounterServer } from '../support/counter-server.js';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';

function hitStep(id: string, needs?: string[]): string {
  return [
    `  - id: ${id}`,
    ...(needs ? [`    needs: [${needs.join(', ')}]`] : []),
    '    uses: http.request',
    '    with:',
    '      url: "{{ $inputs.url }}"',
    '      method: POST',
    `      body: { step: ${id} }`,
    '    output: "{{ $output.body.echo.step }}"',
  ].join('\n');
}

const branchA = ['a1', 'a2', 'a3', 'a4'];
const branchB = ['b1', 'b2', 'b3', 'b4'];
const tail = ['t1', 't2', 't3', 't4', 't5', 't6'];
const items = ['i0', 'i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7'];

const workflow = [
  'atom: 1',
  'name: crash-test',
  'inputs: { type: object, properties: { url: { type: string } }, required: [url] }',
  'steps:',
  hitStep('init'),
  ...branchA.map((id, i) => hitStep(id, [i === 0 ? 'init' : (branchA[i - 1] as string)])),
  ...branchB.map((id, i) => hitStep(id, [i === 0 ? 'init' : (branchB[i - 1] as string)])),
  '  - id: loop',
  '    needs: [init]',
  `    foreach: "{{ ${JSON.stringify(items).replaceAll('"', "'")} }}"`,
  '    concurrency: 3',
  '    uses: http.request',
  '    with:',
  '      url: "{{ $inputs.url }}"',
  '      method: POST',
  '      body: { step: "{{ $item }}" }',
  '    output: "{{ $output.body.echo.step }}"',
  hitStep('join', ['a4', 'b4', 'loop']),
  ...tail.map((id, i) => hitStep(id, [i === 0 ? 'join' : (tail[i - 1] as string)])),
  'outputs:',
  '  a: "{{ $steps.a4.output }}"',
  '  b: "{{ $steps.b4.output }}"',
  '  loop: "{{ $steps.loop.output }}"',
  '  last: "{{ $steps.t6.output }}"',
].join('\n');

function crashScenario(
  label: string,
  startupMs: number,
  storeOf: (data: string) => StorePort,
  extraEnv: () => Record<string, string>,
) {
  describe(`kill -9 and resume (${label})`, () => {
    let server: CounterServer;
    let dir: string;

    beforeAll(async () => {
      assertBuilt();
      server = await startCounterServer(100);
      dir = mkdtempSync(join(tmpdir(), 'atom-crash-'));
    });
    afterAll(async () => {
      await server?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('finishes exactly where it stopped, committing each step once', async () => {
      const file = join(dir, 'crash.yaml');
      writeFileSync(file, workflow);
      const data = join(dir, 'data');
      const env = { ATOM_HTTP_ALLOW: '127.0.0.1', ...extraEnv() };
      const committedAtKill: Array<Map<string, number>> = [];
      let kills = 0;
      let args = ['run', file, '--data', data, '--input', `url=${server.url}/hit`];
      let finished = false;

      for (let round = 0; round < 12 && !finished; round++) {
        const { child, done } = startCli(args, env);
        // The first rounds die at random moments while steps are in flight; later rounds finish.
        if (kills < 6) {
          const stop = killAfterProgress(child, server, startupMs);
          const result = await done;
          stop();
          if (result.signal === 'SIGKILL') {
            kills++;
            const { committed, runs } = await snapshot(storeOf(data), server);
            committedAtKill.push(committed);
            // Killed before the run was even stored: start it again rather than resume nothing.
            if (runs === 0) continue;
          } else {
            expect(result.code, result.stderr).toBe(0);
            finished = true;
          }
        } else {
          const result = await done;
          expect(result.code, result.stderr).toBe(0);
          finished = true;
        }
        args = ['resume', '--data', data];
      }
      expect(finished).toBe(true);
      expect(kills).toBeGreaterThanOrEqual(3);

      const store = storeOf(data);
      try {
        const [run] = await store.listRuns({});
        expect(run?.status).toBe('succeeded');
        expect(run?.outputs).toEqual({ a: 'a4', b: 'b4', loop: items, last: 't6' });
        const steps = await store.listSteps(run?.id as string);
        expect(steps).toHaveLength(1 + 8 + 1 + 8 + 1 + 6);
        expect(steps.every((step) => step.status === 'succeeded')).toBe(true);

        const succeeded = new Map<string, number>();
        for (const event of await store.listEvents(run?.id as string)) {
          if (event.type === 'step.succeeded' && event.stepKey) {
            succeeded.set(event.stepKey, (succeeded.get(event.stepKey) ?? 0) + 1);
          }
        }
        for (const step of steps) expect(succeeded.get(step.key), `commits of ${step.key}`).toBe(1);

        // Every HTTP step ran at least once; a step committed before a kill never ran again.
        const httpKeys = steps.filter((step) => step.key !== 'loop').map((step) => `${run?.id}/${step.key}`);
        for (const key of httpKeys) expect(server.hits.get(key) ?? 0, key).toBeGreaterThanOrEqual(1);
        for (const committed of committedAtKill) {
          for (const [key, hits] of committed) expect(server.hits.get(key), `${key} re-executed`).toBe(hits);
        }
        const reruns = httpKeys.filter((key) => (server.hits.get(key) ?? 0) > 1).length;
        console.log(
          `crash test (${label}): ${kills} kills, ${committedAtKill.map((c) => c.size).join('/')} steps committed at each kill, ${reruns} in-flight steps ran again`,
        );
      } finally {
        await store.close();
      }
    }, 120_000);
  });
}

crashScenario(
  'SQLite',
  450,
  (data) => createSqliteStore({ file: join(data, 'atom.db') }),
  () => ({}),
);

const unreachable = await postgresUnreachable('kill -9 and resume on PostgreSQL');
if (unreachable === undefined) {
  const url = useTestDatabase();
  crashScenario(
    'PostgreSQL',
    600,
    () => createPostgresStore({ connectionString: url, poolMax: 2 }),
    () => ({ DATABASE_URL: url }),
  );
}

/**
 * SIGKILLs the child 50 to 300 ms after the round's first request reaches the counter server: a
 * moment chosen by the run's progress rather than by the process's start-up (PostgreSQL's pool, a
 * loaded machine), so the kill lands mid-run with steps committed before it and others in flight.
 * Each step takes the server's 100 ms, and the run's critical path is 12 steps, so three kills
 * (at most 900 ms of progress) always land before the run ends, and each can get past the steps
 * the previous round left in flight. `startupMs` bounds the wait for a first request. Returns a
 * function that cancels the pending kill.
 */
function killAfterProgress(child: ChildProcess, server: CounterServer, startupMs: number): () => void {
  const total = () => [...server.hits.values()].reduce((sum, n) => sum + n, 0);
  const before = total();
  const kill = () => child.kill('SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  const poll = setInterval(() => {
    if (total() === before) return;
    clearInterval(poll);
    timer = setTimeout(kill, 50 + Math.floor(Math.random() * 250));
  }, 5);
  // A round that makes no request at all (every remaining step already committed) must not hang.
  const fallback = setTimeout(kill, startupMs * 20);
  return () => {
    clearInterval(poll);
    clearTimeout(timer);
    clearTimeout(fallback);
  };
}

/** Hits per step key for the steps whose result was committed when the process died. */
async function snapshot(
  store: StorePort,
  server: CounterServer,
): Promise<{ committed: Map<string, number>; runs: number }> {
  try {
    await store.migrate();
    const out = new Map<string, number>();
    const runs = await store.listRuns({});
    for (const run of runs) {
      for (const step of await store.listSteps(run.id)) {
        const key = `${run.id}/${step.key}`;
        if (step.status === 'succeeded' && server.hits.has(key)) out.set(key, server.hits.get(key) as number);
      }
    }
    return { committed: out, runs: runs.length };
  } finally {
    await store.close();
  }
}
