/**
 * A PostgreSQL database of a test file's own on the machine's server (DESIGN §8): created before
 * the tests, dropped after. Without a server the file's tests skip with one `SKIPPED: …` line, or
 * fail when ATOM_REQUIRE_SERVICES=1.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';

const SERVER_URL = process.env.ATOM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Why PostgreSQL cannot be used, or undefined when it can. */
export async function postgresUnreachable(what: string): Promise<string | undefined> {
  try {
    await onServer('select 1');
    return undefined;
  } catch (error) {
    const reason = `${new URL(SERVER_URL).host}: ${error instanceof Error ? error.message : String(error)}`;
    if (process.env.ATOM_REQUIRE_SERVICES === '1') {
      describe(what, () => {
        it('needs PostgreSQL (ATOM_REQUIRE_SERVICES=1)', () => {
          throw new Error(`PostgreSQL is required but unreachable (${reason}); set ATOM_TEST_DATABASE_URL`);
        });
      });
    } else {
      process.stdout.write(`SKIPPED: ${what} (${reason})\n`);
    }
    return reason;
  }
}

/** Registers hooks that create `atom_test_<random>` and drop it; returns its URL. */
export function useTestDatabase(): string {
  const name = `atom_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  beforeAll(() => onServer(`create database ${name}`));
  afterAll(() => onServer(`drop database if exists ${name} with (force)`));
  return url.toString();
}
