/**
 * The `atom` command on the PostgreSQL store (DATABASE_URL): migrate, run, fail, and a run parked
 * by one process, woken by a second and finished by a third.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../support/cli-process.js';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import { useTempDir } from '../support/temp-dir.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');
const unreachable = await postgresUnreachable('atom CLI on PostgreSQL');

describe.skipIf(unreachable !== undefined)('atom CLI on PostgreSQL', () => {
  const url = useTestDatabase();
  const tempDir = useTempDir('atom-pg-cli-');
  const env = () => ({ DATABASE_URL: url });
  const data = () => join(tempDir(), 'data');

  it('migrates, runs an example and stores the run in PostgreSQL', async () => {
    assertBuilt();
    const migrate = await runCli(['migrate', '--data', data()], env());
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toMatch(/PostgreSQL .*atom_test_.*: schema is up to date/);
    const run = await runCli(['run', join(examples, 'fan-out-join.yaml'), '--data', data(), '--json'], env());
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).outputs.page).toMatchObject({ title: 'ATOM-1', price: 45 });
    const saga = await runCli(
      ['run', join(examples, 'compensation-saga.yaml'), '--data', data(), '--input', 'cardOk=false'],
      env(),
    );
    expect(saga.code).toBe(1);
    expect(saga.stderr).toMatch(/undo hotel[\s\S]*undo flight/);
  });

  it('runs child workflows', async () => {
    const file = join(examples, 'sub-workflow.yaml');
    const child = join(examples, 'sub-workflow-child.yaml');
    const ok = await runCli(['run', file, '--register', child, '--data', data(), '--json'], env());
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).outputs.total).toBe(665.4);
  });

  it('parks a run in one process, wakes it from a second, finishes it in a third', async () => {
    const file = join(tempDir(), 'waits.yaml');
    writeFileSync(
      file,
      'atom: 1\nname: pg-waits\nsteps:\n  - id: paid\n    uses: wait\n    with: { event: invoice.paid }\noutputs: { amount: "{{ $steps.paid.output.amount }}" }\n',
    );
    const first = await runCli(['run', file, '--data', data(), '--json'], env());
    expect(first.code, first.stderr).toBe(3);
    const runId = JSON.parse(first.stdout).id;
    const event = await runCli(['event', 'invoice.paid', '--payload', '{"amount": 7}', '--data', data()], env());
    expect(event.stdout).toContain('woke 1 waiting step');
    const resumed = await runCli(['resume', runId, '--data', data(), '--json'], env());
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).outputs).toEqual({ amount: 7 });
  });

  it('refuses a DATABASE_URL that is not PostgreSQL', async () => {
    const bad = await runCli(['migrate', '--data', data()], { DATABASE_URL: 'mysql://root@127.0.0.1/x' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('ATOM_ERR_CONFIG_INVALID');
  });
});
