/**
 * NOTIFY payloads: the run ids of one tick, split so that each payload is one the real PostgreSQL
 * server accepts (under 8000 bytes), with every id in exactly one payload.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresUnreachable } from '../../../../test/support/postgres-database.js';
import { noticePayloads } from './postgres-event-bus.js';

const SERVER_URL = process.env.ATOM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('noticePayloads', () => {
  const ids = Array.from({ length: 1_000 }, () => `run-${randomUUID()}`);

  it('splits run ids below the NOTIFY limit and keeps every one once', () => {
    const payloads = noticePayloads('me', ids);
    expect(payloads.length).toBeGreaterThan(4);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8_000);
    const back = payloads.flatMap((payload) => (JSON.parse(payload) as { from: string; runs: string[] }).runs);
    expect(back).toEqual(ids);
    expect(noticePayloads('me', [])).toEqual([]);
  });

  it('gives payloads the PostgreSQL server accepts', async () => {
    if ((await postgresUnreachable('NOTIFY payload sizes')) !== undefined) return;
    const client = new pg.Client({ connectionString: SERVER_URL });
    await client.connect();
    try {
      await expect(client.query('select pg_notify($1, $2)', ['atom_test_sizes', 'x'.repeat(8_000)])).rejects.toThrow(
        /too long/,
      );
      for (const payload of noticePayloads(randomUUID(), ids)) {
        await client.query('select pg_notify($1, $2)', ['atom_test_sizes', payload]);
      }
    } finally {
      await client.end();
    }
  });
});
