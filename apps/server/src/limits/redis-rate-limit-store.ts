/**
 * Rate-limit counters in Redis, shared by every process of a distributed deployment. One Lua script
 * per request (EVALSHA through ioredis `defineCommand`): Redis runs a script alone, so the read,
 * the decision and the write of a key are atomic without locks or retries. Each key is a string
 * holding its TAT in µs and expires when the TAT passes, so idle keys clean themselves up.
 *
 * The client belongs to the caller. Give it `REDIS_RATE_LIMIT_CLIENT_OPTIONS` so that a lost
 * connection fails commands at once instead of queueing them; `timeoutMs` bounds the rest.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { withTimeout } from '../app/with-timeout.js';
import type { GcraOutcome, GcraStep } from './gcra.js';
import type { RateLimitStore } from './rate-limit-store.js';

/**
 * `gcraUpdate` in Lua.
 * In: KEYS[1] the key; ARGV now, increment, tolerance (whole µs, as decimal strings).
 * Out: { 1 | 0 (admitted), the TAT afterwards as a decimal string }.
 * `%d` keeps 16-digit TATs exact, where tostring would round them to 14 digits.
 */
export const GCRA_LUA = `
local now = tonumber(ARGV[1])
local increment = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local next_tat = tat + increment
if next_tat - now > tolerance then
  return { 0, string.format('%d', tat) }
end
local ttl_ms = math.ceil((next_tat - now) / 1000)
if ttl_ms > 0 then
  redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', ttl_ms)
end
return { 1, string.format('%d', next_tat) }
`;

/** Client options for a connection used by the limiter: fail fast while disconnected. */
export const REDIS_RATE_LIMIT_CLIENT_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
} as const satisfies Partial<RedisOptions>;

export interface RedisRateLimitStoreOptions {
  redis: Redis;
  /** Put before every key; default `atom:rl:`. */
  keyPrefix?: string;
  /** A command not answered within this time fails (and the fallback answers); default 250 ms. */
  timeoutMs?: number;
}

const COMMAND = 'atomRateLimitGcra';

type GcraCommand = {
  [COMMAND](key: string, now: string, increment: string, tolerance: string): Promise<[number, string]>;
};

/**
 * @example
 * const redis = new Redis(process.env.REDIS_URL, REDIS_RATE_LIMIT_CLIENT_OPTIONS);
 * const limiter = createFallbackRateLimiter({ primary: createRedisRateLimitStore({ redis }) });
 */
export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const { redis } = options;
  const prefix = options.keyPrefix ?? 'atom:rl:';
  const timeoutMs = options.timeoutMs ?? 250;
  redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: GCRA_LUA });
  const client = redis as unknown as GcraCommand;

  return {
    available: () => redis.status === 'ready',
    async update(key: string, step: GcraStep): Promise<GcraOutcome> {
      const reply = client[COMMAND](
        prefix + key,
        String(step.nowUs),
        String(step.incrementUs),
        String(step.toleranceUs),
      );
      const [admitted, tat] = await withTimeout(reply, timeoutMs, 'Redis');
      return { allowed: admitted === 1, tatUs: Number(tat) };
    },
  };
}
