/**
 * The store's pool survives its server going away (a restart, a failover, an administrator's
 * pg_terminate_backend): a connection that dies while checked out must not end the process with
 * an unhandled 'error' event (vitest fails a test on one), and the pool works again afterwards.
 * On the machine's PostgreSQL; skipped without it (or failing with ATOM_REQUIRE_SERVICES=1).
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresUnreachable } from '../../../../test/support/postgres-database.js';
import { openPool } from './open-pool.js';
import { resolvePostgresOptions } from './postgres-options.js';

const SERVER_URL = process.env.ATOM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

if ((await postgresUnreachable('the store pool when its server goes away')) === undefined) {
  describe('the store pool when its server goes away', () => {
    it('outlives a connection killed while a unit holds it', async () => {
      const pool = openPool(resolvePostgresOptions({ connectionString: SERVER_URL, poolMax: 2 }));
      const admin = new pg.Client({ connectionString: SERVER_URL });
      await admin.connect();
      try {
        const client = await pool.connect();
        const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
        const ended = new Promise((resolve) => client.once('end', resolve));
        await admin.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
        await ended;
        await expect(client.query('select 1')).rejects.toThrow();
        client.release(new Error('its connection was terminated'));
        const again = await pool.query<{ one: number }>('select 1 as one');
        expect(again.rows).toEqual([{ one: 1 }]);
      } finally {
        await admin.end();
        await pool.end();
      }
    });
  });
}
