/**
 * Rate-limit counters in this process's memory: the embedded mode's store and the fallback of the
 * Redis one. Memory stays bounded: keys whose TAT has passed are swept out (at most once per
 * `sweepIntervalMs` of the callers' clock), and past `maxKeys` the least recently used key is
 * dropped. Dropping a key can only give it a fresh burst early, never refuse a request.
 */
import { type GcraOutcome, type GcraStep, gcraUpdate } from './gcra.js';
import type { RateLimitStore } from './rate-limit-store.js';

export interface MemoryRateLimitStoreOptions {
  /** Most keys kept at once; default 100 000 (a few MB). */
  maxKeys?: number;
  /** Least time between two sweeps for expired keys; default 60 000 ms. */
  sweepIntervalMs?: number;
}

export interface MemoryRateLimitStore extends RateLimitStore {
  /** Keys held now. */
  readonly size: number;
  /** Drops every key whose TAT is not after `now` (ms); returns how many. */
  sweep(now: number): number;
}

/**
 * @example
 * const limiter = createRateLimiter(createMemoryRateLimitStore({ maxKeys: 10_000 }));
 */
export function createMemoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): MemoryRateLimitStore {
  const maxKeys = Math.max(1, options.maxKeys ?? 100_000);
  const sweepIntervalUs = (options.sweepIntervalMs ?? 60_000) * 1000;
  /** TAT by key, least recently used first (a Map iterates in insertion order). */
  const tats = new Map<string, number>();
  let lastSweepUs = Number.NEGATIVE_INFINITY;

  const sweepUs = (nowUs: number): number => {
    lastSweepUs = nowUs;
    let removed = 0;
    for (const [key, tat] of tats) {
      if (tat <= nowUs) {
        tats.delete(key);
        removed++;
      }
    }
    return removed;
  };

  return {
    get size() {
      return tats.size;
    },
    sweep: (now) => sweepUs(Math.round(now * 1000)),
    async update(key: string, step: GcraStep): Promise<GcraOutcome> {
      if (step.nowUs - lastSweepUs >= sweepIntervalUs) sweepUs(step.nowUs);
      const stored = tats.get(key);
      const outcome = gcraUpdate(stored, step);
      if (stored !== undefined) tats.delete(key);
      if (outcome.tatUs > step.nowUs) {
        while (tats.size >= maxKeys) tats.delete(tats.keys().next().value as string);
        tats.set(key, outcome.tatUs);
      }
      return outcome;
    },
  };
}
