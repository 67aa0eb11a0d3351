/**
 * A PostgreSQL server of a test file's own: a fresh cluster (initdb) in a temporary folder, on a
 * free port of 127.0.0.1 with trust authentication, that the test may stop, kill and restart at
 * will without disturbing the machine's shared server (which every other suite uses at the same
 * time). Removed, folder and all, after the tests.
 *
 * Uses the Debian binaries (`/usr/lib/postgresql/<version>/bin`, or ATOM_TEST_PG_BIN). PostgreSQL
 * refuses to run as root, so as root the binaries run as the `postgres` user and the folder is
 * handed to it. Without binaries the file's tests skip with one `SKIPPED: …` line, or fail when
 * ATOM_REQUIRE_SERVICES=1.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** The folder of `initdb`, `pg_ctl` and `postgres`, or undefined when none is installed. */
export function postgresBinaries(): string | undefined {
  const candidates = process.env.ATOM_TEST_PG_BIN
    ? [process.env.ATOM_TEST_PG_BIN]
    : existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .sort((a, b) => Number(b) - Number(a))
          .map((version) => `/usr/lib/postgresql/${version}/bin`)
      : [];
  return candidates.find((dir) => ['initdb', 'pg_ctl', 'postgres'].every((bin) => existsSync(join(dir, bin))));
}

/**
 * Why a private server cannot be had (no binaries, or root without a `postgres` user), or
 * undefined when it can; prints the skip line or registers the failing test like the other suites.
 */
export async function privatePostgresUnavailable(what: string): Promise<string | undefined> {
  let reason: string | undefined;
  if (postgresBinaries() === undefined)
    reason = 'no PostgreSQL binaries under /usr/lib/postgresql (set ATOM_TEST_PG_BIN)';
  else if (process.getuid?.() === 0 && (await postgresUid()) === undefined)
    reason = 'running as root and no postgres user';
  if (reason === undefined) return undefined;
  if (process.env.ATOM_REQUIRE_SERVICES === '1') {
    describe(what, () => {
      it('needs a private PostgreSQL server (ATOM_REQUIRE_SERVICES=1)', () => {
        throw new Error(`a private PostgreSQL server is required but cannot be started: ${reason}`);
      });
    });
  } else {
    process.stdout.write(`SKIPPED: ${what} (${reason})\n`);
  }
  return reason;
}

async function postgresUid(): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  readonly port: number;
  /** Starts the server (again) and waits until it accepts connections. */
  start(): Promise<void>;
  /**
   * Stops the server: `immediate` kills it like a crash (recovery from the WAL on the next start),
   * `fast` ends every session and shuts down cleanly.
   */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** stop + start. */
  restart(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops the server if it runs and deletes its folder. */
  remove(): Promise<void>;
  /** The server's log so far (for a failing test's message). */
  log(): string;
}

/** Makes, starts and returns a private server; `remove()` it when done. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinaries();
  if (bin === undefined) throw new Error('no PostgreSQL binaries: call privatePostgresUnavailable first');
  const owner = process.getuid?.() === 0 ? await postgresUid() : undefined;
  const root = mkdtempSync(join(tmpdir(), 'atom-pg-'));
  if (owner) chownSync(root, owner.uid, owner.gid);
  const data = join(root, 'data');
  const logFile = join(root, 'server.log');
  const port = await freePort();
  const as = (file: string, args: string[]) =>
    owner ? run('runuser', ['-u', 'postgres', '--', join(bin, file), ...args]) : run(join(bin, file), args);

  await as('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
  // Bound to loopback only, its socket in its own folder. fsync off: the tests kill the server
  // process, not the machine, so every write() already reached the kernel and survives; commits
  // stay synchronous, so what a client saw committed is in the WAL when the server dies.
  const settings = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${root}`,
    '-c fsync=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
    '-c shared_buffers=64MB',
  ].join(' ');
  const pgCtl = (args: string[]) => as('pg_ctl', ['-D', data, ...args]);
  let running = false;

  const server: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await pgCtl(['-o', settings, '-l', logFile, '-w', '-t', '60', 'start']);
      running = true;
      await waitUntilAccepting(server.url);
    },
    async stop(mode = 'fast') {
      await pgCtl(['-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    async restart(mode = 'fast') {
      await server.stop(mode);
      await server.start();
    },
    async remove() {
      if (running) await server.stop('immediate').catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
  };
  try {
    await server.start();
  } catch (error) {
    const log = server.log();
    await server.remove();
    throw new Error(`the private PostgreSQL server did not start: ${String(error)}\n${log}`);
  }
  return server;
}

async function waitUntilAccepting(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * Registers the hooks that start a private server before the file's tests and remove it after;
 * returns a getter for it (call inside tests).
 */
export function usePrivatePostgres(): () => PrivatePostgres {
  let server: PrivatePostgres | undefined;
  beforeAll(async () => {
    server = await startPrivatePostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.remove();
  });
  return () => {
    if (!server) throw new Error('the private PostgreSQL server is not started (usePrivatePostgres in a describe)');
    return server;
  };
}
