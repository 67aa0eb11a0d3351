/**
 * The `atom` command as users meet it: exit codes, error lines with their place, the schema, and
 * parking a run on an event then resuming it from another process.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../support/cli-process.js';
import { useTempDir } from '../support/temp-dir.js';

const tempDir = useTempDir('atom-cli-');

const data = () => join(tempDir(), 'data');

function write(name: string, text: string): string {
  const file = join(tempDir(), name);
  writeFileSync(file, text);
  return file;
}

describe('atom CLI', () => {
  beforeAll(() => assertBuilt());

  it('validate lists every error as file:line:column path: message [code] and exits 1', async () => {
    const file = write(
      'bad.yaml',
      [
        'atom: 1',
        'name: Bad Name',
        'steps:',
        '  - id: a',
        '    uses: nope.node',
        '  - id: b',
        '    needs: [c]',
        '    uses: transform',
        '    with: { v: "{{ $steps.zz.output }}" }',
        '  - id: c',
        '    needs: [b]',
        '    uses: transform',
        '    with: { v: "{{ 1 + }}" }',
      ].join('\n'),
    );
    const { code, stdout } = await runCli(['validate', file]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${file}:2:7 name:`);
    expect(stdout).toMatch(/:5:11 steps\[0\]\.uses: .*\[ATOM_ERR_SPEC_UNKNOWN_NODE\]/);
    expect(stdout).toMatch(/\[ATOM_ERR_SPEC_CYCLE\]/);
    expect(stdout).toMatch(/steps\[1\]\.with\.v: .*zz.*\[ATOM_ERR_SPEC_STEP_REF\]/);
    expect(stdout).toMatch(/:13:\d+ steps\[2\]\.with\.v: .*\[ATOM_ERR_SPEC_EXPRESSION\]/);
  });

  it('validate reports YAML syntax errors with their position', async () => {
    const file = write('syntax.yaml', 'atom: 1\nname: x\nsteps: [\n');
    const { code, stdout } = await runCli(['validate', file]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/syntax\.yaml:\d+:\d+ .*\[ATOM_ERR_SPEC_YAML_SYNTAX\]/);
  });

  it('run refuses invalid documents, inputs and files with exit 2 and stores nothing', async () => {
    const bad = await runCli(['run', write('bad2.yaml', 'atom: 1\nname: x\nsteps: []\n'), '--data', data()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('ATOM_ERR_SPEC_INVALID');
    const missing = await runCli(['run', join(tempDir(), 'missing.yaml'), '--data', data()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ATOM_ERR_FILE_READ');
    const typed = write(
      'typed.yaml',
      'atom: 1\nname: typed\ninputs: { type: object, properties: { n: { type: number } }, required: [n] }\nsteps:\n  - id: a\n    uses: transform\n    with: { n: "{{ $inputs.n }}" }\n',
    );
    const wrong = await runCli(['run', typed, '--data', data(), '--input', 'n=abc']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/ATOM_ERR_RUN_INPUT_INVALID[\s\S]*inputs\.n/);
    const json = await runCli(['run', typed, '--data', data(), '--input-json', '{not json']);
    expect(json.code).toBe(2);
    const ok = await runCli(['run', typed, '--data', data(), '--input-json', '{"n": 1}', '--input', 'n=41', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).steps).toHaveLength(1);
  });

  it('run exits 1 when the run fails, naming the step and code', async () => {
    const file = write(
      'fails.yaml',
      'atom: 1\nname: fails\nsteps:\n  - id: boom\n    uses: fail\n    with: { message: no luck }\n',
    );
    const { code, stderr } = await runCli(['run', file, '--data', data()]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/failed.*ATOM_ERR_STEP_FAILED no luck \(step boom\)/);
  });

  it('schema prints the committed JSON Schema', async () => {
    const { code, stdout } = await runCli(['schema']);
    expect(code).toBe(0);
    const committed = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'workflow.schema.json'), 'utf8');
    expect(JSON.parse(stdout)).toEqual(JSON.parse(committed));
  });

  it('a waiting run exits 3; an event from another process wakes it and resume finishes it', async () => {
    const file = write(
      'approval.yaml',
      'atom: 1\nname: waits\nsteps:\n  - id: paid\n    uses: wait\n    with: { event: invoice.paid }\n  - id: done\n    uses: transform\n    with: { amount: "{{ $steps.paid.output.amount }}" }\noutputs: { amount: "{{ $steps.done.output.amount }}" }\n',
    );
    const first = await runCli(['run', file, '--data', data(), '--json']);
    expect(first.code).toBe(3);
    const runId = JSON.parse(first.stdout).id;
    expect(JSON.parse(first.stdout).status).toBe('waiting');
    const event = await runCli(['event', 'invoice.paid', '--payload', '{"amount": 12}', '--data', data()]);
    expect(event.code).toBe(0);
    expect(event.stdout).toContain('woke 1 waiting step');
    const resumed = await runCli(['resume', runId, '--data', data(), '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).outputs).toEqual({ amount: 12 });
  });

  it('refuses a bad environment variable with exit 2, naming it', async () => {
    const file = write('ok.yaml', 'atom: 1\nname: ok\nsteps:\n  - id: a\n    uses: transform\n    with: {}\n');
    const result = await runCli(['run', file, '--data', data()], { ATOM_HTTP_ALLOW: 'not a cidr/99' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ATOM_ERR_CONFIG_INVALID: ATOM_HTTP_ALLOW/);
    const memory = await runCli(['run', file, '--data', data()], { ATOM_CODE_MEMORY_MB: 'lots' });
    expect(memory.code).toBe(2);
    expect(memory.stderr).toMatch(/ATOM_CODE_MEMORY_MB=lots: expected a positive whole number/);
  });

  it('stats prints the dashboard figures of the data folder, as text or JSON', async () => {
    // A data folder of its own: the other tests' runs are in data().
    const folder = join(tempDir(), 'stats-data');
    const file = write(
      'two-steps.yaml',
      'atom: 1\nname: counted\nsteps:\n  - id: a\n    uses: transform\n    with: { x: 1 }\n  - id: b\n    uses: transform\n    with: { y: 2 }\n',
    );
    const ran = await runCli(['run', file, '--data', folder]);
    expect(ran.code, ran.stderr).toBe(0);
    const json = await runCli(['stats', '--data', folder, '--minutes', '5', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const stats = JSON.parse(json.stdout);
    expect(stats.window.minutes).toBe(5);
    expect(stats.runs).toMatchObject({ started: 1, succeeded: 1, failed: 0, successRate: 1 });
    expect(stats.stepDuration.count).toBe(2);
    expect(stats.slowestNodeTypes.map((t: { nodeType: string }) => t.nodeType)).toEqual(['transform']);
    const text = await runCli(['stats', '--data', folder]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('1 started');
    expect(text.stdout).toContain('success rate 100.0%');
    expect(text.stdout).toMatch(/transform\s+\d+ ms\s+2 steps, 0 failed/);
    const bad = await runCli(['stats', '--data', folder, '--minutes', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('ATOM_ERR_CLI_USAGE');
  }, 90_000);

  it('resume of an unknown run exits 2; bad flags exit 2', async () => {
    expect((await runCli(['resume', 'no-such-run', '--data', data()])).code).toBe(2);
    const usage = await runCli(['run']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('ATOM_ERR_CLI_USAGE');
  });
});
