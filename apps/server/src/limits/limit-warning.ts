/**
 * When to raise a "close to the limit" warning event: at 80 % of a limit, once per window for each
 * workspace and limit, not on every request above it. The once-per-window memory is itself a rate
 * limit (1 per window, burst 1) on the limiter's store, so with Redis a cluster of processes raises
 * one warning per window, not one per process.
 */
import type { RateLimiter } from './rate-limiter.js';

export const WARNING_THRESHOLD_PERCENT = 80;

/**
 * Whether `used` of `limit` has reached `thresholdPercent` (exact for whole numbers). A limit that
 * is infinite or not above 0 is never near.
 */
export function isNearLimit(used: number, limit: number, thresholdPercent = WARNING_THRESHOLD_PERCENT): boolean {
  return Number.isFinite(limit) && limit > 0 && used * 100 >= thresholdPercent * limit;
}

export interface LimitWarningGateOptions {
  /** Default 80. */
  thresholdPercent?: number;
  /** At most one warning per key within this time; default 60 000 ms (the requests' window). */
  windowMs?: number;
}

export interface LimitWarningGate {
  /**
   * True when `used` of `limit` is at the threshold or over it and no warning for `key` was raised
   * within the window; the caller raises the event then. `now` as in `RateLimiter.take`.
   */
  shouldWarn(key: string, used: number, limit: number, now?: number): Promise<boolean>;
}

/**
 * Keys of the limiter's store it uses start with `warn:`.
 *
 * @example
 * const gate = createLimitWarningGate(limiter);
 * const d = await limiter.take(`ws:${id}:api`, requestLimit(limits));
 * if (await gate.shouldWarn(`ws:${id}:api`, limits.burst - d.remaining, limits.burst)) emit('limit.near', …);
 * if (await gate.shouldWarn(`ws:${id}:runs`, active + 1, limits.concurrentRuns)) emit('limit.near', …);
 */
export function createLimitWarningGate(limiter: RateLimiter, options: LimitWarningGateOptions = {}): LimitWarningGate {
  const thresholdPercent = options.thresholdPercent ?? WARNING_THRESHOLD_PERCENT;
  const oncePerWindow = { ratePerMinute: 60_000 / (options.windowMs ?? 60_000), burst: 1 };
  return {
    async shouldWarn(key, used, limit, now = Date.now()) {
      if (!isNearLimit(used, limit, thresholdPercent)) return false;
      return (await limiter.take(`warn:${key}`, oncePerWindow, now)).allowed;
    },
  };
}
