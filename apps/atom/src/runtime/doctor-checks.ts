/**
 * The checks of `atom doctor`: everything Atom needs, looked at without changing anything (no
 * migration, no key file created, no port kept). Each check ends `ok`, `warn` (Atom starts, but
 * something deserves a look) or `fail` (Atom will not start, or a part of it will not work), with
 * the ATOM_ERR code a failure would surface as.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { AtomError } from '@atom/errors';
import { KEY_ENV, KEY_FILE, loadKeyring } from '@atom/server/secrets';
import { type SchemaStatus, sqliteSchemaStatus } from '@atom/store';
import type { AtomConfig } from './env-config.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
  code?: string;
}

export interface DoctorTarget {
  dataDir: string;
  host: string;
  port: number;
  env: NodeJS.ProcessEnv;
}

const MIN_NODE = [20, 19] as const;

const ok = (check: string, detail: string): CheckResult => ({ check, status: 'ok', detail });
const warn = (check: string, detail: string, code?: string): CheckResult => ({ check, status: 'warn', detail, code });
const fail = (check: string, detail: string, code = 'ATOM_ERR_DOCTOR_CHECK_FAILED'): CheckResult => ({
  check,
  status: 'fail',
  detail,
  code,
});

/** A failure as a result line: AtomErrors keep their code, anything else is a failed check. */
function failed(check: string, error: unknown): CheckResult {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof AtomError ? fail(check, message, error.code) : fail(check, message);
}

export function checkNode(version = process.versions.node): CheckResult {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const enough = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return enough
    ? ok('node', `Node.js ${version}`)
    : fail('node', `Node.js ${version}; Atom needs ${MIN_NODE.join('.')} or newer`);
}

export function checkDataFolder(dataDir: string): CheckResult {
  const dir = resolve(dataDir);
  if (!existsSync(dir)) {
    const parent = dirname(dir);
    try {
      accessSync(parent, constants.W_OK);
      return ok('data folder', `${dir} does not exist yet; the first start creates it`);
    } catch {
      return fail('data folder', `${dir} does not exist and ${parent} is not writable`);
    }
  }
  if (!statSync(dir).isDirectory()) return fail('data folder', `${dir} is not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return fail('data folder', `${dir} is not writable by this user`);
  }
  return ok('data folder', `${dir} (writable)`);
}

/** The active key, read as `atom start` would, but a missing key file is only reported. */
export function checkEncryptionKey(target: DoctorTarget): CheckResult {
  const fromEnv = target.env[KEY_ENV]?.trim();
  const file = join(resolve(target.dataDir), KEY_FILE);
  if (!fromEnv && !existsSync(file)) {
    return ok('encryption key', `no ${KEY_ENV} and no ${file}: the first start creates the key file (mode 0600)`);
  }
  try {
    const keyring = loadKeyring({ env: target.env, dataDir: resolve(target.dataDir) });
    const where = fromEnv ? KEY_ENV : file;
    const olds = keyring.keyIds.length - 1;
    const old = olds > 0 ? `, ${olds} old key(s) for opening only` : '';
    return ok('encryption key', `${where}, key ${keyring.activeKeyId}${old}`);
  } catch (error) {
    return failed('encryption key', error);
  }
}

function describeSchema(where: string, status: SchemaStatus): CheckResult {
  if (status.unknown.length > 0) {
    return fail(
      'database',
      `${where}: has migrations this Atom does not know (${status.unknown.join(', ')}); it was migrated by a newer Atom`,
      'ATOM_ERR_STORE_SCHEMA_NEWER',
    );
  }
  if (!status.exists)
    return ok('database', `${where}: not created yet; the first start (or \`atom migrate\`) creates it`);
  if (status.pending.length > 0) {
    return warn(
      'database',
      `${where}: ${status.pending.length} migration(s) to apply (${status.pending.join(', ')}); \`atom migrate\` or the next start applies them`,
    );
  }
  return ok('database', `${where}: schema current (${status.applied.length} migrations)`);
}

export async function checkDatabase(config: AtomConfig, dataDir: string): Promise<CheckResult> {
  try {
    if (config.databaseUrl) {
      const { postgresSchemaStatus } = await import('@atom/store/postgres');
      const url = new URL(config.databaseUrl);
      const status = await postgresSchemaStatus({ connectionString: config.databaseUrl });
      return describeSchema(`PostgreSQL ${status.serverVersion} at ${url.host}${url.pathname}`, status);
    }
    const file = join(resolve(dataDir), 'atom.db');
    return describeSchema(`SQLite ${file}`, await sqliteSchemaStatus(file));
  } catch (error) {
    return failed('database', error);
  }
}

/** Redis is optional: without it Atom keeps working in each process, so unreachable is a warning. */
export async function checkRedis(config: AtomConfig, timeoutMs = 3_000): Promise<CheckResult> {
  if (!config.redisUrl) return ok('redis', 'not configured (REDIS_URL unset): counters and events stay in-process');
  const { Redis } = await import('ioredis');
  const url = new URL(config.redisUrl);
  const client = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const info = await client.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    return ok('redis', `Redis ${version} at ${url.host}`);
  } catch (error) {
    return warn(
      'redis',
      `${url.host} unreachable (${(error as Error).message}); Atom runs degraded: counters and events per process`,
      'ATOM_ERR_DOCTOR_CHECK_FAILED',
    );
  } finally {
    client.disconnect();
  }
}

export async function checkOidc(config: AtomConfig, timeoutMs = 5_000): Promise<CheckResult> {
  if (!config.oidc) return ok('sso', 'not configured (ATOM_OIDC_ISSUER unset)');
  const issuer = config.oidc.issuer.replace(/\/$/, '');
  const url = `${issuer}/.well-known/openid-configuration`;
  try {
    const answer = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!answer.ok) return fail('sso', `${url} answered ${answer.status}`);
    const document = (await answer.json()) as { issuer?: unknown };
    if (typeof document.issuer !== 'string' || document.issuer.replace(/\/$/, '') !== issuer) {
      return fail('sso', `${url} names issuer ${String(document.issuer)}, not ${config.oidc.issuer}`);
    }
    return ok('sso', `OpenID provider ${config.oidc.issuer} answers`);
  } catch (error) {
    return fail('sso', `${url}: ${(error as Error).message}`);
  }
}

/** Tries to listen on the address `atom start` would take, and lets go at once. */
export function checkPort(host: string, port: number): Promise<CheckResult> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        done(warn('port', `${host}:${port} is in use (an Atom already running, or another program)`));
      } else done(fail('port', `${host}:${port}: ${error.message}`));
    });
    server.listen(port, host, () => server.close(() => done(ok('port', `${host}:${port} is free`))));
  });
}
