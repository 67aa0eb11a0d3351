/**
 * @atom/server/cache: the step-output cache in Redis (shared by every worker) in front of the
 * store's, for the processes that run an engine without the HTTP server (`atom worker`, `atom run`).
 */
export { type CacheLog, type OpenedStepCache, openStepCache } from './open-step-cache.js';
export { createRedisStepCache, type RedisStepCache, type RedisStepCacheOptions } from './redis-step-cache.js';
