/**
 * The rate limiter the HTTP layer calls: a limit in, a decision out, counters kept by one store.
 * For Redis with a fallback to memory, see fallback-rate-limiter.ts.
 */
import { decide, planStep, type RateDecision, type RateLimit, unlimitedDecision } from './gcra.js';
import type { RateLimitStore } from './rate-limit-store.js';

export interface RateLimiter {
  /**
   * Takes `limit.cost` (default 1) from `key`'s bucket if it holds that much. `now` is the time in
   * ms since the epoch (default `Date.now()`); tests pass it to move time without waiting.
   * Rejects only with ATOM_ERR_INTERNAL for an impossible limit, or when a store without a
   * fallback fails.
   */
  take(key: string, limit: RateLimit, now?: number): Promise<RateDecision>;
  /** True while decisions come from this process only because the shared store is unreachable. */
  readonly degraded: boolean;
}

/**
 * @example
 * const limiter = createRateLimiter(createMemoryRateLimitStore());
 * const d = await limiter.take(`ws:${workspaceId}:api`, { ratePerMinute: 120, burst: 60 });
 * if (!d.allowed) reply.header('Retry-After', retryAfterSeconds(d)).code(429);
 */
export function createRateLimiter(store: RateLimitStore): RateLimiter {
  return {
    degraded: false,
    async take(key, limit, now = Date.now()) {
      const plan = planStep(limit, now);
      if (plan === undefined) return unlimitedDecision(false);
      return decide(plan, await store.update(key, plan.step), false);
    },
  };
}
