/**
 * The distributed shape on one PostgreSQL database: an API process without a worker
 * (`atom start --no-worker`) and a worker process (`atom worker`). Runs started through the API
 * are executed by the worker; readiness and the worker registry see it; both stop with exit 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, startCli } from '../support/cli-process.js';
import { freePort } from '../support/free-port.js';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import { until as untilTrue } from '../support/until.js';

/** Processes start and stop here: a request that fails meanwhile only means "not yet". */
const until = (check: () => Promise<boolean>, timeoutMs = 30_000) =>
  untilTrue(() => check().catch(() => false), timeoutMs, 50);

const reason = await postgresUnreachable('API and worker processes on PostgreSQL');
if (reason === undefined) {
  const url = useTestDatabase();
  // Two real processes against PostgreSQL: slow on a loaded machine, so a minute and a half.
  describe('API and worker processes on PostgreSQL', { timeout: 90_000 }, () => {
    const data = mkdtempSync(join(tmpdir(), 'atom-split-'));
    afterAll(() => rmSync(data, { recursive: true, force: true }));

    it('runs through a worker process started apart from the API', async () => {
      assertBuilt();
      const env = { DATABASE_URL: url, ATOM_LOG_LEVEL: 'warn' };
      await runCli(['migrate', '--data', data], env);
      expect(
        (
          await runCli(
            ['users', 'create', '--email', 'op@example.test', '--role', 'operator', '--data', data],
            env,
            'long enough pw\n',
          )
        ).code,
      ).toBe(0);
      const token = (
        await runCli(['tokens', 'create', '--email', 'op@example.test', '--name', 't', '--data', data], env)
      ).stdout.trim();
      const port = await freePort();
      const api = startCli(['start', '--no-worker', '--port', String(port), '--data', data], env);
      const base = `http://127.0.0.1:${port}`;
      const auth = { authorization: `Bearer ${token}` };
      try {
        await until(async () => (await fetch(`${base}/health/live`)).ok);
        // No worker anywhere yet: not ready.
        const before = await fetch(`${base}/health/ready`);
        expect(before.status).toBe(503);

        const worker = startCli(['worker', '--concurrency', '4', '--data', data], env);
        await until(async () => (await fetch(`${base}/health/ready`)).status === 200);
        const workers = (await (await fetch(`${base}/api/v1/workers`, { headers: auth })).json()) as {
          items: { alive: boolean }[];
        };
        expect(workers.items.filter((w) => w.alive)).toHaveLength(1);

        // An operator may not write workflows; import it from the CLI instead, as from git.
        const file = join(data, 'split.yaml');
        await import('node:fs').then((fs) =>
          fs.writeFileSync(
            file,
            'atom: 1\nname: split\nsteps:\n  - id: a\n    uses: transform\n    with: { v: 2 }\n  - id: b\n    uses: transform\n    with: { v: "{{ $steps.a.output.v * 21 }}" }\noutputs:\n  v: "{{ $steps.b.output.v }}"\n',
          ),
        );
        expect((await runCli(['workflows', 'import', file, '--data', data], env)).code).toBe(0);
        const res = await fetch(`${base}/api/v1/workflows/split/runs?wait=20`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{}',
        });
        const run = (await res.json()) as { status: string; outputs: unknown };
        expect(res.status).toBe(200);
        expect(run).toMatchObject({ status: 'succeeded', outputs: { v: 42 } });

        worker.child.kill('SIGTERM');
        expect((await worker.done).code).toBe(0);
        await until(async () => (await fetch(`${base}/health/ready`)).status === 503);
      } finally {
        api.child.kill('SIGTERM');
        expect((await api.done).code).toBe(0);
      }
    });
  });
}
