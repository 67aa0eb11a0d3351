import { openLimiter } from '@atom/server';
import { createPostgresStore } from '@atom/store/postgres';
import { pino } from 'pino';
import { afterAll } from 'vitest';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import { REDIS_URL, redisUnreachable, useTestRedis } from '../support/redis-server.js';
import type { AtomStore } from '../support/server-harness.js';
import { describeRateLimits } from './rate-limits-suite.js';
import { describeTierConcurrency } from './tier-concurrency-suite.js';

describeRateLimits('SQLite, counters in this process', async () => ({}));
describeTierConcurrency('SQLite, counters in this process', async () => ({}));

if ((await postgresUnreachable('tiers, rate limits and concurrent runs on PostgreSQL')) === undefined) {
  const url = useTestDatabase();
  // One database per suite: each starts its own server with its own users.
  const second = useTestDatabase();
  const openStore = (at: string) => async () =>
    createPostgresStore({ connectionString: at, poolMax: 5 }) as unknown as AtomStore;
  describeRateLimits('PostgreSQL, counters in this process', async () => ({ openStore: openStore(url) }));
  describeTierConcurrency('PostgreSQL, counters in this process', async () => ({ openStore: openStore(second) }));
}

if ((await redisUnreachable('tiers, rate limits and concurrent runs with Redis')) === undefined) {
  const redis = useTestRedis();
  const opened = openLimiter(REDIS_URL, pino({ level: 'silent' }), redis.prefix);
  afterAll(() => opened.close());
  describeRateLimits('counters in Redis', async () => ({ limiter: opened.limiter }));
  describeTierConcurrency('counters in Redis', async () => ({ limiter: opened.limiter }));
}
