/**
 * Per-workspace limits (DESIGN §7): rate limiting of API requests (GCRA over a pluggable counter
 * store: memory, Redis, SQL), the concurrent-runs rule, the tier table and the 80 % warning.
 * README.md has the rules and the choices.
 */
export { canStart } from './concurrent-runs.js';
export { createFallbackRateLimiter, type FallbackRateLimiterOptions } from './fallback-rate-limiter.js';
export { type GcraOutcome, type GcraStep, gcraUpdate, type RateDecision, type RateLimit } from './gcra.js';
export { limitExceededError, rateLimitHeaders, retryAfterSeconds } from './limit-response.js';
export {
  createLimitWarningGate,
  isNearLimit,
  type LimitWarningGate,
  type LimitWarningGateOptions,
  WARNING_THRESHOLD_PERCENT,
} from './limit-warning.js';
export {
  createMemoryRateLimitStore,
  type MemoryRateLimitStore,
  type MemoryRateLimitStoreOptions,
} from './memory-rate-limit-store.js';
export { POSTGRES_RATE_LIMIT_SQL, type RateLimitSql, SQLITE_RATE_LIMIT_SQL } from './rate-limit-sql.js';
export type { RateLimitStore } from './rate-limit-store.js';
export { createRateLimiter, type RateLimiter } from './rate-limiter.js';
export {
  createRedisRateLimitStore,
  GCRA_LUA,
  REDIS_RATE_LIMIT_CLIENT_OPTIONS,
  type RedisRateLimitStoreOptions,
} from './redis-rate-limit-store.js';
export { createSqlRateLimitStore, type RateLimitSqlExecutor, type SqlRateLimitStore } from './sql-rate-limit-store.js';
export {
  isTierName,
  limitProblems,
  requestLimit,
  resolveLimits,
  TIERS,
  type TierLimits,
  type TierName,
} from './tiers.js';
export { type EffectiveLimits, WorkspaceLimits, type WorkspaceLimitsOptions } from './workspace-limits.js';
