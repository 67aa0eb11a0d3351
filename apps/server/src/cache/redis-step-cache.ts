/**
 * The step-output cache (`cache:` on a step) in Redis, shared by every worker of a deployment,
 * in front of the store's own cache, which takes over while Redis is away: Atom keeps running
 * with the cache in the database, and uses Redis again as soon as it answers.
 *
 * Keys: `<prefix>v:<key>` holds `{"e":<expiresAt>,"v":<value>}`; Redis drops it at `expiresAt`
 * (real time), and a read also compares `e` with the caller's `now`, so an expired value is never
 * returned whatever the caller's clock;
 * `<prefix>stats` is a hash of `<nodeType> hit|miss` → count (HINCRBY: concurrent counts all land).
 *
 * While degraded, values and counts go to the fallback (the store). Entries written there during
 * an outage are not copied to Redis afterwards (a cache may lose entries: the step just runs);
 * `cacheStats` adds both sources, so no count is lost.
 */
import type { StepCachePort } from '@atom/engine';
import type { Redis } from 'ioredis';
import { withTimeout } from '../app/with-timeout.js';

export interface RedisStepCacheOptions {
  /** A client made with `REDIS_RATE_LIMIT_CLIENT_OPTIONS` (no offline queue: fail at once). */
  redis: Redis;
  /** The store's cache: used while Redis cannot answer. */
  fallback: StepCachePort;
  /** Put before every key; default `atom:cache:`. */
  keyPrefix?: string;
  /** A command not answered within this time fails over to the fallback; default 250 ms. */
  timeoutMs?: number;
  /** After a failed command, how long to use the fallback only (real time); default 1 000 ms. */
  cooldownMs?: number;
  /** Called when the cache starts or stops using the fallback, with the reason when a command failed. */
  onDegradedChange?: (degraded: boolean, cause?: unknown) => void;
}

export interface RedisStepCache extends StepCachePort {
  /** True while the last operation used the fallback. */
  readonly degraded: boolean;
}

/**
 * @example
 * const redis = new Redis(url, REDIS_RATE_LIMIT_CLIENT_OPTIONS);
 * const engine = new Engine({ store, cache: createRedisStepCache({ redis, fallback: store }), … });
 */
export function createRedisStepCache(options: RedisStepCacheOptions): RedisStepCache {
  const { redis, fallback, onDegradedChange } = options;
  const prefix = options.keyPrefix ?? 'atom:cache:';
  const timeoutMs = options.timeoutMs ?? 250;
  const cooldownMs = options.cooldownMs ?? 1000;
  const statsKey = `${prefix}stats`;
  let degraded = false;
  let skipUntil = 0;

  const setDegraded = (value: boolean, cause?: unknown): void => {
    if (value === degraded) return;
    degraded = value;
    onDegradedChange?.(value, cause);
  };
  // Reconnected: Redis serves again, whether or not a step asked since.
  redis.on('ready', () => {
    skipUntil = 0;
    setDegraded(false);
  });

  /** `primary` on Redis when it can answer, else (or when it fails) `secondary` on the fallback. */
  async function either<T>(primary: () => Promise<T>, secondary: () => Promise<T>): Promise<T> {
    if (Date.now() >= skipUntil && redis.status === 'ready') {
      try {
        const result = await withTimeout(primary(), timeoutMs, 'Redis');
        setDegraded(false);
        return result;
      } catch (error) {
        skipUntil = Date.now() + cooldownMs;
        setDegraded(true, error);
      }
    } else {
      setDegraded(true);
    }
    return secondary();
  }

  return {
    get degraded() {
      return degraded;
    },
    cacheGet: (key, now) =>
      either(
        async () => {
          const text = await redis.get(`${prefix}v:${key}`);
          if (text === null) return undefined;
          const entry = JSON.parse(text) as { e: number; v: unknown };
          return entry.e > now ? { value: entry.v } : undefined;
        },
        () => fallback.cacheGet(key, now),
      ),
    cacheSet: (key, value, expiresAt) =>
      either(
        async () => {
          const ttlMs = Math.max(1, Math.ceil(expiresAt - Date.now()));
          await redis.set(`${prefix}v:${key}`, JSON.stringify({ e: expiresAt, v: value ?? null }), 'PX', ttlMs);
        },
        () => fallback.cacheSet(key, value, expiresAt),
      ),
    cacheCount: (nodeType, outcome) =>
      either(
        async () => {
          await redis.hincrby(statsKey, `${nodeType} ${outcome}`, 1);
        },
        () => fallback.cacheCount(nodeType, outcome),
      ),
    async cacheStats() {
      const stored = await fallback.cacheStats();
      const shared = await either(
        () => redis.hgetall(statsKey),
        async () => ({}) as Record<string, string>,
      );
      const stats: Record<string, { hits: number; misses: number }> = {};
      for (const [type, counts] of Object.entries(stored)) stats[type] = { ...counts };
      for (const [field, text] of Object.entries(shared)) {
        const cut = field.lastIndexOf(' ');
        const type = field.slice(0, cut);
        const entry = stats[type] ?? { hits: 0, misses: 0 };
        stats[type] = entry;
        if (field.slice(cut + 1) === 'hit') entry.hits += Number(text);
        else entry.misses += Number(text);
      }
      return Object.fromEntries(Object.entries(stats).sort(([a], [b]) => a.localeCompare(b)));
    },
  };
}
