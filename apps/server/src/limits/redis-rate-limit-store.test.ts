/**
 * The Redis store on the machine's Redis: the conformance suite over four connections, and what is
 * Redis's own — prefixed keys that expire by themselves, refusals that write nothing.
 */
import { describe, expect, it } from 'vitest';
import { redisUnreachable, useTestRedis } from '../../../../test/support/redis-server.js';
import { createRateLimiter } from './rate-limiter.js';
import { createRedisRateLimitStore, REDIS_RATE_LIMIT_CLIENT_OPTIONS } from './redis-rate-limit-store.js';
import { describeRateLimitStoreConformance, T0 } from './store-cases.fixture.js';

const reason = await redisUnreachable('Redis rate-limit store');

describe.skipIf(reason !== undefined)('Redis rate-limit store', () => {
  const redis = useTestRedis();
  const open = async (keyPrefix = redis.prefix) =>
    createRedisRateLimitStore({ redis: await redis.connect(REDIS_RATE_LIMIT_CLIENT_OPTIONS), keyPrefix });

  describeRateLimitStoreConformance('Redis', async () => {
    const peers = await Promise.all([open(), open(), open(), open()]);
    return { store: peers[0]!, peers };
  });

  it('keeps each key under the prefix, expiring when its bucket is full again', async () => {
    const admin = await redis.connect();
    const limiter = createRateLimiter(await open(`${redis.prefix}ttl:`));
    await limiter.take('ws-1', { ratePerMinute: 60, burst: 5, cost: 3 }, T0);
    const key = `${redis.prefix}ttl:ws-1`;
    expect(await admin.get(key)).toBe(String((T0 + 3000) * 1000));
    const ttl = await admin.pttl(key);
    expect(ttl).toBeGreaterThan(2000);
    expect(ttl).toBeLessThanOrEqual(3000);
  });

  it('writes nothing for a refused request', async () => {
    const admin = await redis.connect();
    const limiter = createRateLimiter(await open());
    const limit = { ratePerMinute: 60, burst: 1 };
    await limiter.take('refused', limit, T0);
    await admin.pexpire(`${redis.prefix}refused`, 60_000);
    expect((await limiter.take('refused', limit, T0)).allowed).toBe(false);
    expect(await admin.pttl(`${redis.prefix}refused`)).toBeGreaterThan(50_000);
    expect(await admin.get(`${redis.prefix}refused`)).toBe(String((T0 + 1000) * 1000));
  });

  it('writes no key for a cost of 0 on a full bucket', async () => {
    const admin = await redis.connect();
    const limiter = createRateLimiter(await open());
    expect((await limiter.take('peek', { ratePerMinute: 60, burst: 1, cost: 0 }, T0)).allowed).toBe(true);
    expect(await admin.exists(`${redis.prefix}peek`)).toBe(0);
  });
});
