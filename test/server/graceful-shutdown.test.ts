/**
 * `atom start` as a real process: SIGTERM while steps run lets them finish and commit, exits 0, and
 * loses nothing — the next start finishes every run, and no step whose result was committed runs
 * again. When the grace period is too short, the leases of the steps still running are released
 * at exit, so the next start runs them at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, startCli } from '../support/cli-process.js';
import { type CounterServer, startCounterServer } from '../support/counter-server.js';
import { freePort } from '../support/free-port.js';
import { until } from '../support/until.js';

const workflow = (url: string) => `atom: 1
name: slow-calls
steps:
  - id: call
    uses: http.request
    with: { url: "${url}/work", method: POST, body: { n: "{{ $inputs.n }}" } }
  - id: after
    uses: transform
    with: { n: "{{ $steps.call.output.body.echo.n }}" }
outputs:
  n: "{{ $steps.after.output.n }}"
`;

interface Started {
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stderr: string; stdout: string }>;
  url: string;
}

async function startAtom(data: string, env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const { child, done } = startCli(['start', '--port', String(port), '--data', data], env);
  const url = `http://127.0.0.1:${port}`;
  await until(async () => {
    try {
      return (await fetch(`${url}/health/live`)).ok;
    } catch {
      return false;
    }
  });
  return {
    url,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return done;
    },
  };
}

// Real processes start, stop and start again: slow on a loaded machine, so a minute and a half each.
describe('graceful shutdown of atom start', { timeout: 90_000 }, () => {
  let slow: CounterServer;
  let token: string;
  let data: string;
  const dirs: string[] = [];
  const env = () => ({ ATOM_HTTP_ALLOW: '127.0.0.1', ATOM_LOG_LEVEL: 'warn', DATABASE_URL: '' });

  beforeAll(async () => {
    assertBuilt();
    slow = await startCounterServer(1_500);
  });
  afterAll(async () => {
    await slow?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function setup(): Promise<void> {
    data = mkdtempSync(join(tmpdir(), 'atom-shutdown-'));
    dirs.push(data);
    const args = ['users', 'create', '--email', 'ops@example.test', '--role', 'owner', '--data', data];
    const user = await runCli(args, env(), 'a long enough password\n');
    expect(user.code).toBe(0);
    const created = await runCli(
      ['tokens', 'create', '--email', 'ops@example.test', '--name', 't', '--data', data],
      env(),
    );
    expect(created.code).toBe(0);
    token = created.stdout.trim();
  }

  async function startRuns(url: string, count: number): Promise<string[]> {
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' };
    await fetch(`${url}/api/v1/workflows`, { method: 'POST', headers: auth, body: workflow(slow.url) });
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const res = await fetch(`${url}/api/v1/workflows/slow-calls/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: { n } }),
      });
      ids.push(((await res.json()) as { id: string }).id);
    }
    return ids;
  }

  const statuses = (runIds: string[]) => {
    const db = new Database(join(data, 'atom.db'), { readonly: true });
    try {
      const runs = runIds.map(
        (id) => (db.prepare('select status from runs where id = ?').get(id) as { status: string }).status,
      );
      const calls = db.prepare("select status from steps where step_id = 'call'").all() as { status: string }[];
      return { runs, calls: calls.map((c) => c.status) };
    } finally {
      db.close();
    }
  };

  const requestsSeen = () => [...slow.hits.values()].reduce((a, b) => a + b, 0);

  it('lets running steps commit, exits 0, and the next start finishes every run', async () => {
    slow.hits.clear();
    await setup();
    const first = await startAtom(data, env());
    const runIds = await startRuns(first.url, 4);
    await until(() => requestsSeen() === 4);
    const exit = await first.stop('SIGTERM');
    expect(exit.code).toBe(0);
    // Every call that was running committed its result before the exit.
    expect(statuses(runIds).calls).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);

    const second = await startAtom(data, env());
    await until(() => statuses(runIds).runs.every((s) => s === 'succeeded'));
    expect((await second.stop()).code).toBe(0);
    // Nothing ran twice: one request per step.
    expect(requestsSeen()).toBe(4);
    expect([...slow.hits.values()].every((n) => n === 1)).toBe(true);
  });

  it('releases the leases of steps still running when the grace period ends', async () => {
    slow.hits.clear();
    await setup();
    const first = await startAtom(data, { ...env(), ATOM_SHUTDOWN_GRACE_MS: '100' });
    const runIds = await startRuns(first.url, 2);
    await until(() => requestsSeen() === 2);
    const exit = await first.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(statuses(runIds).calls).toEqual(['ready', 'ready']);

    // The next start runs them at once (no lease to wait for) and every run succeeds.
    const second = await startAtom(data, env());
    await until(() => statuses(runIds).runs.every((s) => s === 'succeeded'));
    expect((await second.stop()).code).toBe(0);
    expect(requestsSeen()).toBe(4);
  });
});
