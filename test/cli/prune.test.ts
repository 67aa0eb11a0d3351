/**
 * `atom retention` sets how long finished runs are kept, and `atom prune [--dry-run]` deletes the
 * older ones, through the built program on a real data folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../support/cli-process.js';

describe('atom retention and atom prune', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atom-prune-'));
  const data = join(dir, 'data');
  const env = { DATABASE_URL: '', ATOM_LOG_LEVEL: 'warn' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps runs for ever by default, then prunes those older than the retention', async () => {
    assertBuilt();
    const file = join(dir, 'flow.yaml');
    writeFileSync(file, 'atom: 1\nname: flow\nsteps:\n  - id: a\n    uses: transform\n    with: { ok: true }\n');
    for (let i = 0; i < 3; i++) expect((await runCli(['run', file, '--data', data], env)).code).toBe(0);

    const forever = await runCli(['prune', '--data', data], env);
    expect(forever.code, forever.stderr).toBe(0);
    expect(forever.stdout).toContain('kept for ever');
    const bad = await runCli(['retention', '--days', '0', '--data', data], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('ATOM_ERR_CLI_USAGE');
    const set = await runCli(['retention', '--days', '30', '--data', data], env);
    expect(set.stdout).toContain('kept 30 days after they end');

    // Two of the three runs ended 40 days ago.
    const db = new Database(join(data, 'atom.db'));
    const ids = (db.prepare('select id from runs order by id').all() as { id: string }[]).map((r) => r.id);
    db.prepare('update runs set finished_at = finished_at - ? where id in (?, ?)').run(40 * 86_400_000, ids[0], ids[1]);
    db.close();

    const dry = await runCli(['prune', '--dry-run', '--json', '--data', data], env);
    expect(JSON.parse(dry.stdout)).toMatchObject({ runDays: 30, dryRun: true, runs: 2, steps: 2 });
    const pruned = await runCli(['prune', '--json', '--data', data], env);
    expect(JSON.parse(pruned.stdout)).toMatchObject({ dryRun: false, runs: 2, steps: 2, batches: 1 });
    const left = new Database(join(data, 'atom.db'), { readonly: true });
    expect(left.prepare('select id from runs').all()).toEqual([{ id: ids[2] }]);
    expect(left.prepare('select count(*) as n from run_events where run_id <> ?').get(ids[2])).toEqual({ n: 0 });
    left.close();
  }, 180_000);
});
