/**
 * The step-output cache of a process: in Redis when REDIS_URL is set (shared by every worker;
 * while Redis is away, in the database, reported as a health warning), else the store's own.
 */
import type { StepCachePort } from '@atom/engine';
import { Redis } from 'ioredis';
import { redisHealth } from '../health/redis-warning.js';
import { REDIS_RATE_LIMIT_CLIENT_OPTIONS } from '../limits/redis-rate-limit-store.js';
import { createRedisStepCache } from './redis-step-cache.js';

export interface OpenedStepCache {
  cache: StepCachePort;
  /** Why the cache is not where it should be (for /health/ready), or null. */
  warning(): string | null;
  close(): Promise<void>;
}

export type CacheLog = (level: 'warn' | 'info', message: string, data: Record<string, unknown>) => void;

export function openStepCache(
  redisUrl: string | null,
  store: StepCachePort,
  log: CacheLog,
  keyPrefix = 'atom:cache:',
): OpenedStepCache {
  if (!redisUrl) return { cache: store, warning: () => null, close: async () => {} };
  const redis = new Redis(redisUrl, { ...REDIS_RATE_LIMIT_CLIENT_OPTIONS, lazyConnect: false });
  redis.on('error', () => {}); // reported through onDegradedChange and the health warning
  const health = redisHealth(redis, 'step-output cache fell back to the database');
  const cache = createRedisStepCache({
    redis,
    fallback: store,
    keyPrefix,
    onDegradedChange: (degraded, cause) => {
      health.degradedChanged(degraded);
      return degraded
        ? log('warn', 'Redis unreachable: step outputs cached in the database until it returns', {
            error: cause === undefined ? redis.status : String(cause),
          })
        : log('info', 'Redis is back: step outputs cached in Redis again', {});
    },
  });
  return {
    cache,
    warning: health.warning,
    async close() {
      redis.disconnect();
    },
  };
}
