import { openLimiter } from '@atom/server';
import { createPostgresStore } from '@atom/store/postgres';
import { pino } from 'pino';
import { afterAll } from 'vitest';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import { REDIS_URL, redisUnreachable, useTestRedis } from '../support/redis-server.js';
import type { AtomStore } from '../support/server-harness.js';
import { describeRateLimits } from './rate-limits-suite.js';

describeRateLimits('SQLite, counters in this process', async () => ({}));

if ((await postgresUnreachable('tiers and rate limits on PostgreSQL')) === undefined) {
  const url = useTestDatabase();
  describeRateLimits('PostgreSQL, counters in this process', async () => ({
    openStore: async () => createPostgresStore({ connectionString: url, poolMax: 5 }) as unknown as AtomStore,
  }));
}

if ((await redisUnreachable('tiers and rate limits with Redis')) === undefined) {
  const redis = useTestRedis();
  const opened = openLimiter(REDIS_URL, pino({ level: 'silent' }), redis.prefix);
  afterAll(() => opened.close());
  describeRateLimits('counters in Redis', async () => ({ limiter: opened.limiter }));
}
