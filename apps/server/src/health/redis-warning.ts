/**
 * The readiness warning of a component that uses Redis with a fallback: present while its client
 * is not connected (known at once, without a request) or while its last command failed over (a
 * Redis that accepts connections but does not answer), gone when Redis answers again.
 */
import type { Redis } from 'ioredis';

/** `<consequence>: Redis is unreachable (<client status>)` while degraded, else null. */
export function redisWarning(redis: Redis, degraded: () => boolean, consequence: string): () => string | null {
  return () =>
    redis.status !== 'ready' || degraded() ? `${consequence}: Redis is unreachable (${redis.status})` : null;
}
