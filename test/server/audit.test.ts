/**
 * The audit log: changes and logins are recorded with actor, action, target, source and time;
 * admins read it filtered, as pages or JSONL/CSV exports; `atom audit verify` finds a row that was
 * edited or deleted in the database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../support/cli-process.js';
import { type ServerHarness, startServer } from '../support/server-harness.js';

describe('audit log through the API', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await startServer({ worker: false });
    const yaml = { 'content-type': 'application/yaml' };
    const doc = 'atom: 1\nname: audited\nsteps:\n  - id: a\n    uses: log\n    with: { message: one }\n';
    await h.api('/api/v1/workflows', { method: 'POST', rawBody: doc, headers: yaml, token: h.tokens.editor });
    await h.api('/api/v1/workflows/audited', { method: 'PUT', rawBody: doc.replace('one', 'two'), headers: yaml });
    await h.api('/api/v1/workflows/audited/disable', { method: 'POST', token: h.tokens.editor });
    await h.api('/api/v1/secrets/TOKEN', {
      method: 'PUT',
      body: { value: 'never-in-the-audit-log' },
      token: h.tokens.admin,
    });
    await h.api('/api/v1/workflows/audited', { method: 'DELETE' });
  });
  afterAll(async () => h?.close());

  it('records who changed what, from where, and when', async () => {
    const res = await h.api('/api/v1/audit', { token: h.tokens.admin });
    expect(res.status).toBe(200);
    const actions = res.json.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual([
      'workflow.create',
      'workflow.update',
      'workflow.triggers.disable',
      'secret.set',
      'workflow.delete',
    ]);
    expect(res.json.items[0]).toMatchObject({
      seq: 1,
      actor: { type: 'token', email: 'editor@example.test' },
      target: { type: 'workflow', name: 'audited' },
      source: { ip: '127.0.0.1' },
      prevHash: '0'.repeat(64),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(res.json.items[1].prevHash).toBe(res.json.items[0].hash);
    expect(res.text).not.toContain('never-in-the-audit-log');
    expect((await h.api('/api/v1/audit', { token: h.tokens.editor })).status).toBe(403);
  });

  it('filters, pages and exports', async () => {
    const workflows = await h.api('/api/v1/audit?action=workflow.*&actor=owner@example.test');
    expect(workflows.json.items.map((e: { action: string }) => e.action)).toEqual([
      'workflow.update',
      'workflow.delete',
    ]);
    const page = await h.api('/api/v1/audit?limit=2');
    expect(page.json.items).toHaveLength(2);
    const next = await h.api(`/api/v1/audit?limit=10&after=${page.json.nextAfter}`);
    expect(next.json.items[0].seq).toBe(3);
    const bad = await h.api('/api/v1/audit?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe('querystring.from');
    const jsonl = await h.api('/api/v1/audit?format=jsonl');
    expect(jsonl.headers.get('content-type')).toContain('application/x-ndjson');
    expect(jsonl.text.trim().split('\n')).toHaveLength(5);
    const csv = await h.api('/api/v1/audit?format=csv&target=workflow');
    expect(csv.headers.get('content-disposition')).toContain('atom-audit.csv');
    expect(csv.text.trim().split('\r\n')).toHaveLength(1 + 4);
  });
});

describe('atom audit verify', () => {
  const data = mkdtempSync(join(tmpdir(), 'atom-audit-'));
  const env = { DATABASE_URL: '', ATOM_LOG_LEVEL: 'warn' };
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('passes a whole chain, and reports an edited row and a deleted row', async () => {
    assertBuilt();
    for (const email of ['a@example.test', 'b@example.test', 'c@example.test']) {
      const made = await runCli(
        ['users', 'create', '--email', email, '--role', 'viewer', '--data', data],
        env,
        'long enough pw\n',
      );
      expect(made.code).toBe(0);
    }
    const whole = await runCli(['audit', 'verify', '--data', data], env);
    expect(whole.code).toBe(0);
    expect(whole.stdout).toContain('3 entries, the chain is whole');

    const db = new Database(join(data, 'atom.db'));
    db.prepare('update audit_log set data = \'{"role":"owner","via":"cli"}\' where seq = 2').run();
    db.close();
    const edited = await runCli(['audit', 'verify', '--data', data], env);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toMatch(/seq 2: edited/);

    const db2 = new Database(join(data, 'atom.db'));
    db2.prepare('update audit_log set data = \'{"role":"viewer","via":"cli"}\' where seq = 2').run();
    expect(db2.prepare('delete from audit_log where seq = 2').run().changes).toBe(1);
    db2.close();
    const deleted = await runCli(['audit', 'verify', '--data', data], env);
    expect(deleted.code).toBe(1);
    expect(deleted.stdout).toMatch(/seq 3: (gap|broken-link)/);
  });
});
