/**
 * `atom doctor` as a real process: it reports the effective configuration without secrets, finds
 * each broken dependency with its code, and changes nothing (no database, no key file created).
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../support/cli-process.js';
import { freePort } from '../support/free-port.js';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';

interface DoctorReport {
  ok: boolean;
  configuration: Array<{ name: string; value: string; set: boolean }>;
  checks: Array<{ check: string; status: 'ok' | 'warn' | 'fail'; detail: string; code?: string }>;
}

let dir: string;

beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'atom-doctor-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A clean environment: the machine's own ATOM_* or DATABASE_URL must not leak into the checks. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of Object.keys(process.env)) {
    if (/^(ATOM_|DATABASE_URL|REDIS_URL)/.test(name)) env[name] = '';
  }
  return { ...env, ...extra };
}

async function doctor(data: string, env: Record<string, string> = {}, args: string[] = []) {
  const port = String(await freePort());
  const result = await runCli(['doctor', '--data', data, '--json', '--port', port, ...args], cleanEnv(env));
  const report = JSON.parse(result.stdout) as DoctorReport;
  const check = (name: string) => report.checks.find((c) => c.check === name);
  return { result, report, check };
}

describe('atom doctor on SQLite', () => {
  it('passes on a fresh data folder and creates nothing', async () => {
    const data = join(dir, 'fresh');
    const { result, report, check } = await doctor(data);
    expect(result.code, result.stderr).toBe(0);
    expect(report.ok).toBe(true);
    expect(check('database')?.detail).toMatch(/not created yet/);
    expect(check('encryption key')?.detail).toMatch(/first start creates the key file/);
    expect(existsSync(data)).toBe(false);
  });

  it('reports a current schema after migrate, and a newer one as ATOM_ERR_STORE_SCHEMA_NEWER', async () => {
    const data = join(dir, 'migrated');
    expect((await runCli(['migrate', '--data', data], cleanEnv())).code).toBe(0);
    const current = await doctor(data);
    expect(current.check('database')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/schema current/) });

    const db = new BetterSqlite3(join(data, 'atom.db'));
    db.prepare('insert into atom_migration (name, timestamp) values (?, ?)').run(
      '9999-from-the-future',
      new Date().toISOString(),
    );
    db.close();
    const newer = await doctor(data);
    expect(newer.result.code).toBe(1);
    expect(newer.check('database')).toMatchObject({ status: 'fail', code: 'ATOM_ERR_STORE_SCHEMA_NEWER' });
    expect(newer.check('database')?.detail).toContain('9999-from-the-future');
  });

  it('names a bad variable and still checks the rest', async () => {
    const { result, check } = await doctor(join(dir, 'bad-config'), { ATOM_LOG_LEVEL: 'loud' });
    expect(result.code).toBe(1);
    expect(check('configuration')).toMatchObject({ status: 'fail', code: 'ATOM_ERR_CONFIG_INVALID' });
    expect(check('configuration')?.detail).toContain('ATOM_LOG_LEVEL=loud');
    expect(check('data folder')?.status).toBe('ok');
  });

  it('refuses a key file other users can read, without printing the key', async () => {
    const data = join(dir, 'open-key');
    expect((await runCli(['migrate', '--data', data], cleanEnv())).code).toBe(0);
    const key = (await runCli(['keys', 'generate'], cleanEnv())).stdout.trim();
    writeFileSync(join(data, 'encryption.key'), key);
    chmodSync(join(data, 'encryption.key'), 0o644);
    const { result, report, check } = await doctor(data);
    expect(result.code).toBe(1);
    expect(check('encryption key')).toMatchObject({ status: 'fail', code: 'ATOM_ERR_CONFIG_INVALID' });
    expect(check('encryption key')?.detail).toMatch(/mode 0644/);
    expect(JSON.stringify(report)).not.toContain(key);
  });

  it('warns about an unreachable Redis and a taken port, and masks passwords and secrets', async () => {
    const taken: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const { result, report, check } = await doctor(
        join(dir, 'redis'),
        {
          REDIS_URL: `redis://:hunter2-redis@127.0.0.1:${await freePort()}`,
          ATOM_SECRET_API_KEY: 'hunter2-secret',
        },
        ['--port', String(port)],
      );
      expect(result.code, result.stdout).toBe(0);
      expect(check('redis')).toMatchObject({ status: 'warn', code: 'ATOM_ERR_DOCTOR_CHECK_FAILED' });
      expect(check('port')?.status).toBe('warn');
      const text = JSON.stringify(report);
      expect(text).not.toContain('hunter2');
      expect(report.configuration.find((line) => line.name.startsWith('ATOM_SECRET_'))?.value).toBe('API_KEY');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('prints a readable report without --json', async () => {
    const result = await runCli(
      ['doctor', '--data', join(dir, 'text'), '--port', String(await freePort())],
      cleanEnv(),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Configuration\n/);
    expect(result.stdout).toMatch(/ok {4}database: SQLite .*atom\.db: not created yet/);
    expect(result.stdout).toMatch(/0 failed, 0 warning\(s\), 8 checks/);
  });
});

const unreachable = await postgresUnreachable('atom doctor on PostgreSQL');
if (unreachable === undefined) {
  const url = useTestDatabase();
  describe('atom doctor on PostgreSQL', () => {
    it('reads the schema without migrating, then sees it current', async () => {
      const before = await doctor(join(dir, 'pg'), { DATABASE_URL: url });
      expect(before.result.code, before.result.stdout).toBe(0);
      expect(before.check('database')?.detail).toMatch(/^PostgreSQL \d+.*not created yet/);
      expect((await runCli(['migrate'], cleanEnv({ DATABASE_URL: url }))).code).toBe(0);
      const after = await doctor(join(dir, 'pg'), { DATABASE_URL: url });
      expect(after.check('database')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/schema current/) });
    });

    it('fails with ATOM_ERR_STORE_BUSY when the server does not answer, the password masked', async () => {
      const dead = `postgres://postgres:hunter2-pg@127.0.0.1:${await freePort()}/nothing`;
      const { result, report, check } = await doctor(join(dir, 'pg-dead'), { DATABASE_URL: dead });
      expect(result.code).toBe(1);
      expect(check('database')).toMatchObject({ status: 'fail', code: 'ATOM_ERR_STORE_BUSY' });
      expect(JSON.stringify(report)).not.toContain('hunter2');
    });
  });
}
