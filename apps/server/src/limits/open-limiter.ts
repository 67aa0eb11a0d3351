/**
 * The request limiter of a server process: counters in Redis when REDIS_URL is set (shared by
 * every API process; while Redis is away, counted in this process and reported as degraded), else
 * in the PostgreSQL database when the store is PostgreSQL (shared by every API process: one upsert
 * per request, rows of idle keys pruned every few minutes), else in this process (exact for the
 * embedded single process, ADR 0007).
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redisHealth } from '../health/redis-warning.js';
import { createFallbackRateLimiter } from './fallback-rate-limiter.js';
import { createMemoryRateLimitStore } from './memory-rate-limit-store.js';
import { POSTGRES_RATE_LIMIT_SQL } from './rate-limit-sql.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import { createRedisRateLimitStore, REDIS_RATE_LIMIT_CLIENT_OPTIONS } from './redis-rate-limit-store.js';
import { createSqlRateLimitStore, type RateLimitSqlExecutor } from './sql-rate-limit-store.js';

const PRUNE_EVERY_MS = 5 * 60_000;

export interface OpenedLimiter {
  limiter: RateLimiter;
  /** Why the counters are not shared right now (for /health/ready), or null. */
  warning(): string | null;
  close(): Promise<void>;
}

/**
 * @param database single statements on the PostgreSQL store (its `counters`), or null on SQLite.
 */
export function openLimiter(
  redisUrl: string | null,
  logger: Logger,
  keyPrefix = 'atom:rl:',
  database: RateLimitSqlExecutor | null = null,
): OpenedLimiter {
  if (!redisUrl && database) return databaseLimiter(database, logger);
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

function databaseLimiter(database: RateLimitSqlExecutor, logger: Logger): OpenedLimiter {
  const store = createSqlRateLimitStore(database, POSTGRES_RATE_LIMIT_SQL);
  const prune = setInterval(() => {
    store.prune(Date.now()).catch((error: unknown) => logger.warn({ err: error }, 'pruning rate-limit rows failed'));
  }, PRUNE_EVERY_MS);
  prune.unref();
  return {
    limiter: createRateLimiter(store),
    warning: () => null,
    async close() {
      clearInterval(prune);
    },
  };
}
