/**
 * The request limiter of a server process: counters in Redis when REDIS_URL is set (shared by
 * every API process; while Redis is away, counted in this process and reported as degraded), else
 * in this process (exact for the embedded single process).
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redisHealth } from '../health/redis-warning.js';
import { createFallbackRateLimiter } from './fallback-rate-limiter.js';
import { createMemoryRateLimitStore } from './memory-rate-limit-store.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import { createRedisRateLimitStore, REDIS_RATE_LIMIT_CLIENT_OPTIONS } from './redis-rate-limit-store.js';

export interface OpenedLimiter {
  limiter: RateLimiter;
  /** Why the counters are not shared right now (for /health/ready), or null. */
  warning(): string | null;
  close(): Promise<void>;
}

export function openLimiter(redisUrl: string | null, logger: Logger, keyPrefix = 'atom:rl:'): OpenedLimiter {
  if (!redisUrl) {
    return { limiter: createRateLimiter(createMemoryRateLimitStore()), warning: () => null, close: async () => {} };
  }
  const redis = new Redis(redisUrl, { ...REDIS_RATE_LIMIT_CLIENT_OPTIONS, lazyConnect: false });
  redis.on('error', () => {}); // reported through onDegradedChange, not as unhandled errors
  const health = redisHealth(redis, 'rate-limit counters fell back to this process');
  const limiter = createFallbackRateLimiter({
    primary: createRedisRateLimitStore({ redis, keyPrefix }),
    onDegradedChange: (degraded, cause) => {
      health.degradedChanged(degraded);
      if (degraded)
        logger.warn({ err: cause }, 'Redis unreachable: rate limits counted in this process until it returns');
      else logger.info('Redis is back: rate limits shared again');
    },
  });
  return {
    limiter,
    warning: health.warning,
    async close() {
      redis.disconnect();
    },
  };
}
