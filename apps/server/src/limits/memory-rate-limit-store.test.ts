import { describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from './memory-rate-limit-store.js';
import { createRateLimiter } from './rate-limiter.js';
import { describeRateLimitStoreConformance, T0 } from './store-cases.fixture.js';

describeRateLimitStoreConformance('memory', async () => {
  const store = createMemoryRateLimitStore();
  return { store, peers: [store] };
});

describe('memory rate-limit store', () => {
  const limit = { ratePerMinute: 60, burst: 2 };

  it('sweeps out keys whose bucket is full again, once per sweep interval', async () => {
    const store = createMemoryRateLimitStore({ sweepIntervalMs: 10_000 });
    const limiter = createRateLimiter(store);
    await limiter.take('a', limit, T0);
    await limiter.take('b', limit, T0);
    await limiter.take('c', { ...limit, cost: 0 }, T0);
    expect(store.size).toBe(2);
    await limiter.take('d', limit, T0 + 9_999);
    expect(store.size).toBe(3);
    await limiter.take('d', limit, T0 + 10_000);
    expect(store.size).toBe(1);
  });

  it('drops the least recently used key past maxKeys, which then starts with a full bucket', async () => {
    const store = createMemoryRateLimitStore({ maxKeys: 3 });
    const limiter = createRateLimiter(store);
    for (const k of ['a', 'b', 'c']) await limiter.take(k, { ...limit, cost: 2 }, T0);
    await limiter.take('a', limit, T0);
    await limiter.take('d', limit, T0);
    expect(store.size).toBe(3);
    expect((await limiter.take('a', limit, T0)).allowed).toBe(false);
    expect((await limiter.take('c', limit, T0)).allowed).toBe(false);
    expect(await limiter.take('b', limit, T0)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('sweeps on demand and says how many keys went', async () => {
    const store = createMemoryRateLimitStore();
    const limiter = createRateLimiter(store);
    await limiter.take('a', limit, T0);
    await limiter.take('b', { ...limit, cost: 2 }, T0);
    expect(store.sweep(T0 + 1000)).toBe(1);
    expect(store.sweep(T0 + 2000)).toBe(1);
    expect(store.size).toBe(0);
  });

  it('stays within maxKeys under a flood of distinct keys', async () => {
    const store = createMemoryRateLimitStore({ maxKeys: 100 });
    const limiter = createRateLimiter(store);
    for (let i = 0; i < 10_000; i++) await limiter.take(`flood-${i}`, limit, T0);
    expect(store.size).toBe(100);
  });
});
