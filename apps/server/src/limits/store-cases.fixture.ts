/**
 * The conformance suite every RateLimitStore passes (memory, Redis, SQLite, PostgreSQL): exact
 * allowance under a burst, refill over virtual time, Retry-After, independent keys, costs, a limit
 * changed at run time, agreement with `gcraUpdate` over a long random sequence, and 200 concurrent
 * takes admitting exactly the burst.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GcraStep, gcraUpdate, planStep, type RateLimit } from './gcra.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';

export const T0 = 1_700_000_000_000;

export interface StoreHarness {
  store: RateLimitStore;
  /** Stores on other connections to the same counters, for the race (may be just `[store]`). */
  peers: RateLimitStore[];
}

/** A small seeded generator, so a failure replays. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

export function describeRateLimitStoreConformance(name: string, open: () => Promise<StoreHarness>): void {
  describe(`RateLimitStore conformance: ${name}`, () => {
    let h: StoreHarness;
    let limiter: RateLimiter;
    const run = randomBytes(4).toString('hex');
    let keys = 0;
    /** A key no other test (or earlier run against the same server) has used. */
    const key = (): string => `k-${run}-${++keys}`;
    const takeMany = async (k: string, limit: RateLimit, count: number, now: number) => {
      const decisions = [];
      for (let i = 0; i < count; i++) decisions.push(await limiter.take(k, limit, now));
      return decisions;
    };

    beforeAll(async () => {
      h = await open();
      limiter = createRateLimiter(h.store);
    });

    it('admits exactly the burst at one instant, counting down what remains', async () => {
      const k = key();
      const limit = { ratePerMinute: 60, burst: 10 };
      const decisions = await takeMany(k, limit, 11, T0);
      expect(decisions.slice(0, 10).map((d) => [d.allowed, d.remaining])).toEqual(
        Array.from({ length: 10 }, (_, i) => [true, 9 - i]),
      );
      expect(decisions[10]).toEqual({
        allowed: false,
        remaining: 0,
        retryAfterMs: 1000,
        resetMs: 10_000,
        degraded: false,
      });
      expect(decisions[9]).toMatchObject({ retryAfterMs: 0, resetMs: 10_000 });
    });

    it('refills one request per interval, and never beyond the burst', async () => {
      const k = key();
      const limit = { ratePerMinute: 60, burst: 10 };
      await takeMany(k, limit, 10, T0);
      expect((await limiter.take(k, limit, T0 + 999)).allowed).toBe(false);
      expect(await limiter.take(k, limit, T0 + 1000)).toMatchObject({ allowed: true, remaining: 0 });
      expect((await limiter.take(k, limit, T0 + 1000)).allowed).toBe(false);
      expect(await limiter.take(k, limit, T0 + 3500)).toMatchObject({ allowed: true, remaining: 1 });
      const later = T0 + 10 * 60_000;
      const afterIdle = await takeMany(k, limit, 11, later);
      expect(afterIdle.filter((d) => d.allowed)).toHaveLength(10);
      expect(afterIdle[0]).toMatchObject({ remaining: 9, resetMs: 1000 });
    });

    it('gives a Retry-After after which the same request is admitted, and not a millisecond before', async () => {
      const k = key();
      const limit = { ratePerMinute: 7, burst: 3 };
      await takeMany(k, limit, 3, T0);
      const refused = await limiter.take(k, limit, T0);
      expect(refused).toMatchObject({ allowed: false, retryAfterMs: 8572 });
      const early = await limiter.take(k, limit, T0 + refused.retryAfterMs - 1);
      expect(early).toMatchObject({ allowed: false, retryAfterMs: 1 });
      expect((await limiter.take(k, limit, T0 + refused.retryAfterMs)).allowed).toBe(true);
    });

    it('keeps keys independent', async () => {
      const [a, b] = [key(), key()];
      const limit = { ratePerMinute: 60, burst: 2 };
      await takeMany(a, limit, 3, T0);
      expect(await limiter.take(b, limit, T0)).toMatchObject({ allowed: true, remaining: 1 });
      expect((await limiter.take(a, limit, T0)).allowed).toBe(false);
    });

    it('takes the cost of a request, and takes nothing when it does not fit', async () => {
      const k = key();
      const limit = { ratePerMinute: 60, burst: 5 };
      expect(await limiter.take(k, { ...limit, cost: 3 }, T0)).toMatchObject({ allowed: true, remaining: 2 });
      expect(await limiter.take(k, { ...limit, cost: 3 }, T0)).toMatchObject({
        allowed: false,
        remaining: 2,
        retryAfterMs: 1000,
      });
      expect(await limiter.take(k, { ...limit, cost: 0 }, T0)).toMatchObject({ allowed: true, remaining: 2 });
      expect(await limiter.take(k, { ...limit, cost: 2 }, T0)).toMatchObject({ allowed: true, remaining: 0 });
    });

    it('applies a limit changed at run time from the next request on', async () => {
      const k = key();
      await takeMany(k, { ratePerMinute: 60, burst: 5 }, 5, T0);
      const raised = await takeMany(k, { ratePerMinute: 60, burst: 8 }, 4, T0);
      expect(raised.map((d) => d.allowed)).toEqual([true, true, true, false]);
      expect((await limiter.take(k, { ratePerMinute: 60, burst: 5 }, T0 + 3000)).allowed).toBe(false);
      expect((await limiter.take(k, { ratePerMinute: 60, burst: 5 }, T0 + 4000)).allowed).toBe(true);
    });

    it('agrees with gcraUpdate step by step over a long random sequence', async () => {
      const k = key();
      const next = random(0xa70);
      let tat: number | undefined;
      let now = T0;
      for (let i = 0; i < 300; i++) {
        now += Math.floor(next() * 900);
        const burst = 1 + Math.floor(next() * 4);
        const limit = { ratePerMinute: 30 + Math.floor(next() * 90), burst, cost: Math.floor(next() * (burst + 1)) };
        const step = planStep(limit, now)?.step as GcraStep;
        const expected = gcraUpdate(tat, step);
        if (expected.allowed) tat = expected.tatUs;
        expect(await h.store.update(k, step), `step ${i}`).toEqual(expected);
      }
    });

    it('admits exactly the burst out of 200 concurrent takes', async () => {
      const k = key();
      const limit = { ratePerMinute: 1, burst: 37 };
      const limiters = h.peers.map(createRateLimiter);
      const decisions = await Promise.all(
        Array.from({ length: 200 }, (_, i) => limiters[i % limiters.length]!.take(k, limit, T0)),
      );
      const admitted = decisions.filter((d) => d.allowed);
      expect(admitted).toHaveLength(37);
      expect(admitted.map((d) => d.remaining).sort((x, y) => x - y)).toEqual(Array.from({ length: 37 }, (_, i) => i));
      expect((await limiter.take(k, limit, T0)).allowed).toBe(false);
    });
  });
}
