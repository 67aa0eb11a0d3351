/**
 * Degradation on real components: ioredis pointed at a closed port, then at a relay to the
 * machine's Redis that opens, hangs (frozen) and closes again.
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, redisUnreachable, useTestRedis } from '../../../../test/support/redis-server.js';
import { createFallbackRateLimiter } from './fallback-rate-limiter.js';
import { createMemoryRateLimitStore } from './memory-rate-limit-store.js';
import { createRedisRateLimitStore, REDIS_RATE_LIMIT_CLIENT_OPTIONS } from './redis-rate-limit-store.js';
import { T0 } from './store-cases.fixture.js';
import { redisBehindProxy } from './tcp-proxy.fixture.js';

const reason = await redisUnreachable('fallback rate limiter on Redis');

describe.skipIf(reason !== undefined)('fallback rate limiter', () => {
  const redis = useTestRedis();
  const limit = { ratePerMinute: 60, burst: 3 };
  const clients: Redis[] = [];
  afterAll(() => {
    for (const client of clients) client.disconnect();
  });

  it('answers from memory while Redis is unreachable or hangs, and from Redis again once it answers', async () => {
    const { proxy, client } = await redisBehindProxy(REDIS_URL);
    clients.push(client);
    const changes: boolean[] = [];
    const fallback = createMemoryRateLimitStore();
    const primary = createRedisRateLimitStore({ redis: client, keyPrefix: redis.prefix, timeoutMs: 200 });
    const limiter = createFallbackRateLimiter({
      primary,
      fallback,
      cooldownMs: 1000,
      onDegradedChange: (degraded) => changes.push(degraded),
    });
    const admin = await redis.connect();

    // Nothing listens on the port: memory decides, and still limits.
    const unreachable = await Promise.all([1, 2, 3, 4].map(() => limiter.take('a', limit, T0)));
    expect(unreachable.map((d) => [d.allowed, d.degraded])).toEqual([
      [true, true],
      [true, true],
      [true, true],
      [false, true],
    ]);
    expect(limiter.degraded).toBe(true);

    // Redis answers: the next request goes there.
    await proxy.open();
    if (client.status !== 'ready') await once(client, 'ready');
    expect(await limiter.take('a', limit, T0)).toMatchObject({ allowed: true, remaining: 2, degraded: false });
    expect(limiter.degraded).toBe(false);
    expect(await admin.exists(`${redis.prefix}a`)).toBe(1);

    // Redis hangs: one request waits for the timeout, then memory decides until the cooldown ends.
    proxy.freeze();
    expect(await limiter.take('b', limit, T0 + 10)).toMatchObject({ allowed: true, degraded: true });
    proxy.thaw();
    expect(await limiter.take('b', limit, T0 + 20)).toMatchObject({ allowed: true, remaining: 1, degraded: true });
    expect(await limiter.take('b', limit, T0 + 1009)).toMatchObject({ allowed: true, remaining: 0, degraded: true });
    // After the cooldown Redis decides again (memory would have refused: 3 taken within a second).
    expect(await limiter.take('b', limit, T0 + 1010)).toMatchObject({ allowed: true, remaining: 2, degraded: false });

    // Redis goes away again.
    await proxy.close();
    if (client.status === 'ready') await once(client, 'close');
    expect(await limiter.take('c', limit, T0 + 1020)).toMatchObject({ allowed: true, degraded: true });
    expect(changes).toEqual([true, false, true, false, true]);
  });

  it('does not ask the store for an unlimited limit', async () => {
    const client = new Redis({ host: '127.0.0.1', port: 9, ...REDIS_RATE_LIMIT_CLIENT_OPTIONS, lazyConnect: true });
    clients.push(client);
    const limiter = createFallbackRateLimiter({ primary: createRedisRateLimitStore({ redis: client }) });
    const decision = await limiter.take('u', { ratePerMinute: Number.POSITIVE_INFINITY, burst: 1 }, T0);
    expect(decision).toEqual({
      allowed: true,
      remaining: Number.POSITIVE_INFINITY,
      retryAfterMs: 0,
      resetMs: 0,
      degraded: false,
    });
  });
});
