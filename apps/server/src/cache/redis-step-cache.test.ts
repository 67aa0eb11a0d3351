/**
 * The step-output cache in Redis on real components: the machine's Redis (a key prefix of the
 * file's own), reached directly and through a TCP relay that closes, reopens and hangs; the
 * fallback is a real SQLite store. Values, expiry and counters behave like the store's (its
 * conformance cases), are shared by two processes' clients, and nothing fails while Redis is away.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AtomStore, createSqliteStore } from '@atom/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, redisUnreachable, useTestRedis } from '../../../../test/support/redis-server.js';
import { redisBehindProxy } from '../limits/tcp-proxy.fixture.js';
import { createRedisStepCache } from './redis-step-cache.js';

const reason = await redisUnreachable('step-output cache in Redis');

describe.skipIf(reason !== undefined)('step-output cache in Redis', () => {
  const redis = useTestRedis();
  const dir = mkdtempSync(join(tmpdir(), 'atom-cache-'));
  let store: AtomStore;
  beforeAll(async () => {
    store = createSqliteStore({ file: join(dir, 'atom.db') });
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const now = Date.now();

  it('keeps values until they expire, shared by every client, never touching the store', async () => {
    const a = createRedisStepCache({ redis: await redis.connect(), fallback: store, keyPrefix: `${redis.prefix}1:` });
    const b = createRedisStepCache({ redis: await redis.connect(), fallback: store, keyPrefix: `${redis.prefix}1:` });
    expect(await a.cacheGet('k', now)).toBeUndefined();
    const rich = { text: 'é ✓', n: 1.5, list: [null, true, { deep: 'x' }] };
    await a.cacheSet('k', rich, now + 60_000);
    expect(await b.cacheGet('k', now)).toEqual({ value: rich });
    expect(await b.cacheGet('k', now + 59_999)).toEqual({ value: rich });
    expect(await b.cacheGet('k', now + 60_000)).toBeUndefined();
    await b.cacheSet('n', null, now + 60_000);
    expect(await a.cacheGet('n', now)).toEqual({ value: null });
    await a.cacheSet('short', 'text', Date.now() + 30);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const admin = await redis.connect();
    expect(await admin.exists(`${redis.prefix}1:v:short`)).toBe(0);
    expect(await store.cacheGet('k', now)).toBeUndefined();
    expect(a.degraded).toBe(false);
  });

  it('counts hits and misses per node type, concurrent counts all landing', async () => {
    const cache = createRedisStepCache({
      redis: await redis.connect(),
      fallback: store,
      keyPrefix: `${redis.prefix}2:`,
    });
    await cache.cacheCount('http.request', 'hit');
    await Promise.all(Array.from({ length: 20 }, () => cache.cacheCount('http.request', 'miss')));
    await cache.cacheCount('ai.prompt', 'hit');
    expect(await cache.cacheStats()).toEqual({
      'ai.prompt': { hits: 1, misses: 0 },
      'http.request': { hits: 1, misses: 20 },
    });
  });

  it('falls back to the store while Redis is unreachable or hangs, and returns to Redis', async () => {
    const { proxy, client } = await redisBehindProxy(REDIS_URL);
    const changes: boolean[] = [];
    const prefix = `${redis.prefix}3:`;
    const cache = createRedisStepCache({
      redis: client,
      fallback: store,
      keyPrefix: prefix,
      timeoutMs: 150,
      cooldownMs: 300,
      onDegradedChange: (degraded) => changes.push(degraded),
    });
    const admin = await redis.connect();
    try {
      // Nothing listens: the store keeps the value and the count, and answers.
      await cache.cacheSet('away', 1, now + 60_000);
      await cache.cacheCount('transform', 'miss');
      expect(await cache.cacheGet('away', now)).toEqual({ value: 1 });
      expect(await store.cacheGet('away', now)).toEqual({ value: 1 });
      expect(cache.degraded).toBe(true);

      // Redis answers: values go there again; the counts of both places add up.
      await proxy.open();
      if (client.status !== 'ready') await once(client, 'ready');
      await cache.cacheSet('back', 2, now + 60_000);
      expect(cache.degraded).toBe(false);
      expect(await admin.exists(`${prefix}v:back`)).toBe(1);
      expect(await store.cacheGet('back', now)).toBeUndefined();
      await cache.cacheCount('transform', 'hit');
      expect((await cache.cacheStats()).transform).toEqual({ hits: 1, misses: 1 });

      // Redis hangs: one call waits for the timeout, then the store answers until the cooldown ends.
      proxy.freeze();
      expect(await cache.cacheGet('back', now)).toBeUndefined();
      expect(cache.degraded).toBe(true);
      proxy.thaw();
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect(await cache.cacheGet('back', now)).toEqual({ value: 2 });
      expect(cache.degraded).toBe(false);
      expect(changes).toEqual([true, false, true, false]);
    } finally {
      client.disconnect();
      await proxy.close();
    }
  });
});
