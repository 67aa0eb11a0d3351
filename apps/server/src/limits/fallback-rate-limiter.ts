/**
 * A rate limiter on a shared store (Redis) that never fails a request because that store is down:
 * while the primary is unreachable, the fallback (memory of this process) decides and every
 * decision says `degraded: true`, for the health check to warn. The primary is used again as soon
 * as it answers: at once when its client reports the connection back, and after `cooldownMs` when
 * a command failed while it claimed to be connected (a timeout), so a hung server costs one
 * timeout per cooldown rather than one per request.
 *
 * While degraded each process counts alone, so N API processes admit up to N times the limit.
 */
import { decide, planStep, unlimitedDecision } from './gcra.js';
import { createMemoryRateLimitStore } from './memory-rate-limit-store.js';
import type { RateLimitStore } from './rate-limit-store.js';
import type { RateLimiter } from './rate-limiter.js';

export interface FallbackRateLimiterOptions {
  /** The shared store, typically `createRedisRateLimitStore`. */
  primary: RateLimitStore;
  /** Decides while the primary cannot; default a fresh `createMemoryRateLimitStore()`. */
  fallback?: RateLimitStore;
  /** After a failed command, how long (on the callers' clock) to use the fallback only; default 1 000 ms. */
  cooldownMs?: number;
  /** Called when the limiter becomes degraded (with the reason, if a command failed) or recovers. */
  onDegradedChange?: (degraded: boolean, cause?: unknown) => void;
}

/**
 * @example
 * const limiter = createFallbackRateLimiter({
 *   primary: createRedisRateLimitStore({ redis }),
 *   onDegradedChange: (degraded, cause) => log.warn({ degraded, err: cause }, 'rate limits'),
 * });
 */
export function createFallbackRateLimiter(options: FallbackRateLimiterOptions): RateLimiter {
  const { primary, onDegradedChange } = options;
  const fallback = options.fallback ?? createMemoryRateLimitStore();
  const cooldownMs = options.cooldownMs ?? 1000;
  let degraded = false;
  let skipPrimaryUntil = Number.NEGATIVE_INFINITY;

  const setDegraded = (value: boolean, cause?: unknown): void => {
    if (value === degraded) return;
    degraded = value;
    onDegradedChange?.(value, cause);
  };

  return {
    get degraded() {
      return degraded;
    },
    async take(key, limit, now = Date.now()) {
      const plan = planStep(limit, now);
      if (plan === undefined) return unlimitedDecision(degraded);
      if (now >= skipPrimaryUntil && primary.available?.() !== false) {
        try {
          const outcome = await primary.update(key, plan.step);
          setDegraded(false);
          return decide(plan, outcome, false);
        } catch (error) {
          skipPrimaryUntil = now + cooldownMs;
          setDegraded(true, error);
        }
      } else {
        setDegraded(true);
      }
      return decide(plan, await fallback.update(key, plan.step), true);
    },
  };
}
