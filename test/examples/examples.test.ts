/**
 * Every workflow in examples/ runs with the real `atom` program, as a newcomer would run it, and
 * gives the outputs its comments promise.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../support/cli-process.js';
import { useTempDir } from '../support/temp-dir.js';

const tempDir = useTempDir('atom-examples-');

const examples = join(import.meta.dirname, '..', '..', 'examples');

async function run(args: string[], env: Record<string, string> = {}) {
  const result = await runCli([...args, '--data', join(tempDir(), 'data'), '--json'], env);
  return { ...result, report: result.stdout ? JSON.parse(result.stdout) : null };
}

describe('examples', () => {
  beforeAll(() => assertBuilt());

  it('are all valid', async () => {
    const files = readdirSync(examples).filter((file) => file.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(7);
    // One process per file, all at once: started one by one they came close to the test timeout
    // on a loaded two-core machine.
    const results = await Promise.all(files.map((file) => runCli(['validate', join(examples, file)])));
    results.forEach((result, i) => {
      expect(result.code, `${files[i]}: ${result.stdout}`).toBe(0);
    });
  });

  it('hello greets', async () => {
    const { code, report } = await run(['run', join(examples, 'hello.yaml'), '--input', 'name=Ada']);
    expect(code).toBe(0);
    expect(report.outputs).toEqual({ message: 'Hello, Ada!', letters: 3 });
  });

  it('fan-out-join joins three parallel branches', async () => {
    const { code, report } = await run(['run', join(examples, 'fan-out-join.yaml'), '--input', 'sku=ATOM-42']);
    expect(code).toBe(0);
    expect(report.outputs.page).toMatchObject({ title: 'ATOM-42', price: 52.5, rating: '4.5 (128 reviews)' });
  });

  it('branches-join takes one branch and joins again', async () => {
    const large = await run(['run', join(examples, 'branches-join.yaml'), '--input', 'amount=1200']);
    expect(large.report.outputs).toEqual({ route: 'manager-review' });
    const small = await run(['run', join(examples, 'branches-join.yaml'), '--input', 'amount=80']);
    expect(small.report.outputs).toEqual({ route: 'auto-approved' });
    const steps = Object.fromEntries(small.report.steps.map((s: { key: string; status: string }) => [s.key, s.status]));
    expect(steps).toMatchObject({ manager: 'skipped', automatic: 'succeeded', record: 'succeeded' });
  });

  it('foreach-concurrency prices every line in order', async () => {
    const { code, report } = await run(['run', join(examples, 'foreach-concurrency.yaml')]);
    expect(code).toBe(0);
    expect(report.outputs.total).toBe(101);
    expect(report.outputs.lines.map((line: { sku: string }) => line.sku)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('retry-flaky-endpoint retries 503s until the service answers', async () => {
    const server = spawn(process.execPath, [join(examples, 'support', 'flaky-server.mjs')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve) =>
        server.stdout.once('data', (chunk) => resolve(String(chunk).trim())),
      );
      const { code, report } = await run(
        ['run', join(examples, 'retry-flaky-endpoint.yaml'), '--input', `url=${url}`],
        {
          ATOM_HTTP_ALLOW: '127.0.0.1',
        },
      );
      expect(code).toBe(0);
      expect(report.outputs).toEqual({ price: 99.5, servedOnAttempt: 3 });
      expect(report.steps.find((s: { key: string }) => s.key === 'quote').attempt).toBe(3);
    } finally {
      server.kill();
    }
  });

  it('compensation-saga releases the bookings when the payment fails', async () => {
    const ok = await run(['run', join(examples, 'compensation-saga.yaml')]);
    expect(ok.code).toBe(0);
    const failed = await run(['run', join(examples, 'compensation-saga.yaml'), '--input', 'cardOk=false']);
    expect(failed.code).toBe(1);
    expect(failed.report.error.code).toBe('ATOM_ERR_CODE_ERROR');
    expect(failed.stderr).toMatch(
      /release hotel HO-2002[\s\S]*↩ undo hotel[\s\S]*release flight FL-1001[\s\S]*↩ undo flight[\s\S]*trip not booked/,
    );
  });

  it('sub-workflow calls its child twice', async () => {
    const { code, report } = await run([
      'run',
      join(examples, 'sub-workflow.yaml'),
      '--register',
      join(examples, 'sub-workflow-child.yaml'),
    ]);
    expect(code).toBe(0);
    expect(report.outputs).toEqual({ january: 291, february: 374.4, total: 665.4 });
  });
});
