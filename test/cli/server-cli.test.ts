/**
 * The CLI commands around the server: users, tokens, workspaces, workflows import/export, and start's flags.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../support/cli-process.js';
import { useTempDir } from '../support/temp-dir.js';

const env = { DATABASE_URL: '', ATOM_LOG_LEVEL: 'warn' };

describe('atom users, tokens and workflows', () => {
  const dir = useTempDir('atom-cli-server-');
  beforeAll(() => assertBuilt());

  it('creates a user from a password on stdin, and refuses bad input with exit 2', async () => {
    const data = join(dir(), 'data');
    const ok = await runCli(
      ['users', 'create', '--email', 'ada@example.test', '--role', 'editor', '--data', data],
      env,
      'long enough pw\n',
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('created user ada@example.test (editor)');
    const again = await runCli(
      ['users', 'create', '--email', 'ADA@example.test', '--role', 'viewer', '--data', data],
      env,
      'long enough pw\n',
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('ATOM_ERR_USER_EXISTS');
    const role = await runCli(
      ['users', 'create', '--email', 'b@example.test', '--role', 'god', '--data', data],
      env,
      'long enough pw\n',
    );
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('--role god');
    const short = await runCli(
      ['users', 'create', '--email', 'c@example.test', '--role', 'viewer', '--data', data],
      env,
      'short\n',
    );
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 8 characters');
  });

  it('prints a token once on stdout, for known users only', async () => {
    const data = join(dir(), 'data');
    const token = await runCli(
      ['tokens', 'create', '--email', 'ada@example.test', '--name', 'ci', '--data', data],
      env,
    );
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^atom_[A-Za-z0-9_-]{43}$/);
    const db = readFileSync(join(data, 'atom.db'));
    expect(db.includes(Buffer.from(token.stdout.trim()))).toBe(false);
    const unknown = await runCli(
      ['tokens', 'create', '--email', 'nobody@example.test', '--name', 'x', '--data', data],
      env,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('ATOM_ERR_USER_NOT_FOUND');
  });

  it('imports a folder (valid files stored, invalid ones reported) and exports YAML back', async () => {
    const data = join(dir(), 'data');
    const folder = join(dir(), 'flows');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'a.yaml'),
      'atom: 1\nname: flow-a\nsteps:\n  - id: s\n    uses: log\n    with: { message: a }\n',
    );
    writeFileSync(join(folder, 'b.yaml'), 'atom: 1\nname: flow-b\nsteps:\n  - id: s\n    uses: nope.node\n');
    writeFileSync(join(folder, 'notes.txt'), 'not a workflow');
    const imported = await runCli(['workflows', 'import', folder, '--data', data], env);
    expect(imported.code).toBe(2);
    expect(imported.stdout).toContain('flow-a version 1');
    expect(imported.stderr).toMatch(/b\.yaml:5:\d+ steps\[0\]\.uses/);
    const again = await runCli(['workflows', 'import', join(folder, 'a.yaml'), '--data', data], env);
    expect(again.stdout).toContain('unchanged (version 1)');

    const exported = await runCli(['workflows', 'export', 'flow-a', '--data', data], env);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('name: flow-a');
    const out = join(dir(), 'out');
    const all = await runCli(['workflows', 'export', '--all', '--out', out, '--data', data], env);
    expect(all.code).toBe(0);
    const roundTrip = await runCli(['validate', join(out, 'flow-a.yaml')], env);
    expect(roundTrip.code).toBe(0);
    const missing = await runCli(['workflows', 'export', 'flow-z', '--data', data], env);
    expect(missing.code).toBe(2);
  });

  it('exports the text it imported, comments and all, and a round trip adds no version', async () => {
    const data = join(dir(), 'data');
    const file = join(dir(), 'commented.yaml');
    const text = `# Nightly clean-up. Owner: ops.\natom: 1\nname: commented   # keep this name\n\nsteps:\n  # Say it first.\n  - uses: log\n    id: say\n    with: { message: "bye" }\n`;
    writeFileSync(file, text);
    const imported = await runCli(['workflows', 'import', file, '--data', data], env);
    expect(imported.stdout).toContain('commented version 1');
    const out = join(dir(), 'commented-out.yaml');
    expect((await runCli(['workflows', 'export', 'commented', '--out', out, '--data', data], env)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`# commented, version 1, exported by atom\n${text}`);
    const back = await runCli(['workflows', 'import', out, '--data', data], env);
    expect(back.stdout).toContain('commented unchanged (version 1)');
    writeFileSync(file, text.replace('Owner: ops.', 'Owner: Ada.'));
    const edited = await runCli(['workflows', 'import', file, '--data', data], env);
    expect(edited.stdout).toContain('commented version 2');
    const second = await runCli(['workflows', 'export', 'commented', '--data', data], env);
    expect(second.stdout).toBe(
      `# commented, version 2, exported by atom\n${text.replace('Owner: ops.', 'Owner: Ada.')}`,
    );
  });

  it('creates and lists workspaces, and acts in the one --workspace or ATOM_WORKSPACE names', async () => {
    const data = join(dir(), 'data');
    const created = await runCli(
      ['workspace', 'create', '--slug', 'ops', '--name', 'Operations', '--owner', 'ada@example.test', '--data', data],
      env,
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('created workspace ops (Operations), owner ada@example.test');
    const taken = await runCli(
      ['workspace', 'create', '--slug', 'ops', '--owner', 'ada@example.test', '--data', data],
      env,
    );
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('ATOM_ERR_WORKSPACE_EXISTS');
    const badSlug = await runCli(
      ['workspace', 'create', '--slug', 'Ops!', '--owner', 'ada@example.test', '--data', data],
      env,
    );
    expect(badSlug.code).toBe(2);
    const list = await runCli(['workspace', 'list', '--json', '--data', data], env);
    expect(JSON.parse(list.stdout).map((w: { slug: string }) => w.slug)).toEqual(['default', 'ops']);

    // A user made in ops only gets a token there, and not in default.
    const carol = await runCli(
      ['users', 'create', '--email', 'carol@example.test', '--role', 'operator', '--workspace', 'ops', '--data', data],
      env,
      'long enough pw\n',
    );
    expect(carol.stdout).toContain('in workspace ops');
    const inOps = await runCli(['tokens', 'create', '--email', 'carol@example.test', '--name', 'ci', '--data', data], {
      ...env,
      ATOM_WORKSPACE: 'ops',
    });
    expect(inOps.code).toBe(0);
    expect(inOps.stderr).toContain('(operator in ops)');
    const inDefault = await runCli(
      ['tokens', 'create', '--email', 'carol@example.test', '--name', 'x', '--data', data],
      env,
    );
    expect(inDefault.code).toBe(2);
    expect(inDefault.stderr).toContain('ATOM_ERR_USER_NOT_FOUND');

    // Workflows are per workspace: imported into ops, exported from ops, not found in default.
    const flow = join(dir(), 'ops-flow.yaml');
    writeFileSync(flow, 'atom: 1\nname: ops-only\nsteps:\n  - id: s\n    uses: log\n    with: { message: o }\n');
    expect((await runCli(['workflows', 'import', flow, '--workspace', 'ops', '--data', data], env)).code).toBe(0);
    const fromOps = await runCli(['workflows', 'export', 'ops-only', '--workspace', 'ops', '--data', data], env);
    expect(fromOps.stdout).toContain('name: ops-only');
    expect((await runCli(['workflows', 'export', 'ops-only', '--data', data], env)).code).toBe(2);
    const nowhere = await runCli(['workflows', 'export', 'ops-only', '--workspace', 'nowhere', '--data', data], env);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain('ATOM_ERR_WORKSPACE_NOT_FOUND');
    const audit = await runCli(['audit', 'verify', '--workspace', 'ops', '--data', data], env);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/workspace ops: [1-9]\d* entries, the chain is whole/);
  });

  it('refuses a bad port before starting anything', async () => {
    const res = await runCli(['start', '--port', '99999', '--data', join(dir(), 'data')], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--port 99999');
    const cors = await runCli(['start', '--data', join(dir(), 'data')], {
      ...env,
      ATOM_CORS_ORIGINS: 'https://ok.example, *.evil',
    });
    expect(cors.code).toBe(2);
    expect(cors.stderr).toContain('ATOM_ERR_CONFIG_INVALID: ATOM_CORS_ORIGINS: "*.evil" is not an origin');
  });

  it('names a port in use instead of crashing, and leaves nothing running', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const res = await runCli(['start', '--port', String(port), '--data', join(dir(), 'busy')], env);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`ATOM_ERR_CONFIG_INVALID: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
    } finally {
      taken.close();
    }
  });
});
