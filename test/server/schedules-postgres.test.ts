/**
 * Two `atom start` processes on one PostgreSQL database, both running the scheduler on the real
 * clock, with a schedule that fires every second: every fire time between the first and the last
 * starts exactly one run — none twice, none skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, startCli } from '../support/cli-process.js';
import { freePort } from '../support/free-port.js';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';

const WORKFLOW = `atom: 1
name: every-second
triggers:
  - schedule: { cron: "* * * * * *", timezone: UTC }
steps:
  - id: t
    uses: transform
    with: { at: "{{ $trigger.scheduledFor }}" }
`;

const reason = await postgresUnreachable('schedules across two processes on PostgreSQL');
if (reason === undefined) {
  const url = useTestDatabase();
  describe('schedules across two processes on PostgreSQL', () => {
    const dirs: string[] = [];
    afterAll(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it('fires each fire time exactly once', async () => {
      assertBuilt();
      const env = { DATABASE_URL: url, ATOM_LOG_LEVEL: 'warn' };
      const data = mkdtempSync(join(tmpdir(), 'atom-sched-'));
      dirs.push(data);
      const file = join(data, 'every-second.yaml');
      await import('node:fs').then((fs) => fs.writeFileSync(file, WORKFLOW));
      expect((await runCli(['workflows', 'import', file, '--data', data], env)).code).toBe(0);

      const processes = [];
      for (let i = 0; i < 2; i++) {
        const port = await freePort();
        processes.push(startCli(['start', '--port', String(port), '--data', data], env));
      }
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        // Both processes tick for at least 4 fire times (however slowly they started).
        const deadline = Date.now() + 60_000;
        const fired = async () =>
          Number(
            (await client.query<{ n: string }>("select count(*) as n from runs where workflow_name = 'every-second'"))
              .rows[0]?.n,
          );
        while ((await fired()) < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        for (const p of processes) p.child.kill('SIGTERM');
        const exits = await Promise.all(processes.map((p) => p.done));
        expect(exits.map((e) => [e.code, e.stderr.includes('error') ? e.stderr : ''])).toEqual([
          [0, ''],
          [0, ''],
        ]);
        const { rows } = await client.query<{ at: string; n: string }>(
          `select trigger ->> 'scheduledFor' as at, count(*) as n from runs
           where workflow_name = 'every-second' group by 1 order by 1`,
        );
        const times = rows.map((row) => Date.parse(row.at));
        process.stdout.write(`schedules on PostgreSQL: ${rows.length} fire times, 2 processes\n`);
        expect(rows.length).toBeGreaterThanOrEqual(4);
        expect(rows.every((row) => Number(row.n) === 1)).toBe(true);
        for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBe(1000);
      } finally {
        await client.end();
      }
    });
  });
}
