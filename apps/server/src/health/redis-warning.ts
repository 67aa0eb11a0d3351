/**
 * The readiness warning of a component that uses Redis with a fallback: present while its client
 * is not connected (known at once, without a request) or since a command failed over (a Redis
 * that accepts connections but does not answer), gone when the client is ready again — even if
 * no request came since, so an idle process does not report a stale degradation.
 */
import type { Redis } from 'ioredis';

export interface RedisHealth {
  /** Give it to the component's `onDegradedChange`. */
  degradedChanged(degraded: boolean): void;
  /** `<consequence>: Redis is unreachable (<client status>)` while degraded, else null. */
  warning(): string | null;
}

export function redisHealth(redis: Redis, consequence: string): RedisHealth {
  let failing = false;
  redis.on('ready', () => {
    failing = false;
  });
  return {
    degradedChanged(degraded) {
      failing = degraded;
    },
    warning: () =>
      redis.status !== 'ready' || failing ? `${consequence}: Redis is unreachable (${redis.status})` : null,
  };
}
