/**
 * What several API processes share without Redis, and the Redis key space with it:
 * - rate-limit counters in PostgreSQL (migration 0024): two processes' limiters (each its own
 *   store and pool on one database) draw from one bucket per key;
 * - with REDIS_URL, the event channel is `<ATOM_REDIS_PREFIX>events`, so two installations can
 *   share one Redis.
 */
import { openEventBus, openLimiter } from '@atom/server';
import { createPostgresStore, type PostgresStore } from '@atom/store/postgres';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness } from '../support/engine-harness.js';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import { REDIS_URL, redisUnreachable, useTestRedis } from '../support/redis-server.js';
import { until } from '../support/until.js';

const logger = pino({ level: 'silent' });
const noPostgres = await postgresUnreachable('rate-limit counters in PostgreSQL');

describe.skipIf(noPostgres !== undefined)('rate-limit counters in PostgreSQL', () => {
  const url = useTestDatabase();
  const stores: PostgresStore[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const store = createPostgresStore({ connectionString: url, poolMax: 2 });
      await store.migrate();
      stores.push(store);
    }
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  it('shares one bucket per key between the processes', async () => {
    const [a, b] = stores.map((store) => openLimiter(null, logger, 'unused:', store.counters));
    if (!a || !b) throw new Error('two limiters expected');
    const limit = { ratePerMinute: 60, burst: 4 };
    const now = Date.parse('2026-05-01T00:00:00Z');
    const outcomes = [];
    for (let i = 0; i < 6; i++)
      outcomes.push((await (i % 2 === 0 ? a : b).limiter.take('ws:1:api', limit, now)).allowed);
    // Four admitted in all, not four per process.
    expect(outcomes).toEqual([true, true, true, true, false, false]);
    // Another key has its own bucket.
    expect((await b.limiter.take('ws:2:api', limit, now)).allowed).toBe(true);
    const rows = await stores[0]?.counters.all<{ n: number }>(
      "select count(*)::int as n from rate_limits where key like 'ws:%'",
      [],
    );
    expect(rows?.[0]?.n).toBe(2);
    await a.close();
    await b.close();
  });
});

const noRedis = await redisUnreachable('the Redis event channel under ATOM_REDIS_PREFIX');

describe.skipIf(noRedis !== undefined)('the Redis event channel under ATOM_REDIS_PREFIX', () => {
  const redis = useTestRedis();

  it('publishes run events on <prefix>events', async () => {
    const harness = await createHarness();
    const subscriber = await redis.connect();
    const heard: string[] = [];
    subscriber.on('message', (channel: string) => heard.push(channel));
    await subscriber.subscribe(`${redis.prefix}events`);
    const bus = openEventBus({
      engine: harness.engine,
      store: harness.engine.store,
      redisUrl: REDIS_URL,
      redisPrefix: redis.prefix,
      databaseUrl: null,
      logger,
    });
    try {
      await bus.ready;
      await harness.run({ atom: 1, name: 'prefixed', steps: [{ id: 'a', uses: 'transform', with: {} }] });
      await until(() => heard.length > 0);
      expect(new Set(heard)).toEqual(new Set([`${redis.prefix}events`]));
    } finally {
      await bus.close();
      await harness.close();
    }
  });
});
