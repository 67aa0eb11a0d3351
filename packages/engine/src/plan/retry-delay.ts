/**
 * Pure retry decisions (DESIGN §3 "Errors"): whether a failed attempt is tried again and after
 * how long. Exponential back-off doubles from `delayMs` and is capped by `maxDelayMs`; jitter picks
 * uniformly in [delay/2, delay] so retries of many runs spread out; a `Retry-After` the remote
 * side asked for is a floor that the cap does not lower.
 */
import type { RetryPolicy } from '@atom/spec';

export function shouldRetry(policy: RetryPolicy, attempt: number, retryable: boolean): boolean {
  return retryable && attempt < policy.attempts;
}

/** Delay before attempt `attempt + 1`, after attempt number `attempt` (1-based) failed. */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number,
): number {
  const base = policy.backoff === 'fixed' ? policy.delayMs : policy.delayMs * 2 ** Math.max(0, attempt - 1);
  let delay = Math.min(base, policy.maxDelayMs);
  if (policy.jitter) delay = delay / 2 + random() * (delay / 2);
  if (retryAfterMs !== undefined) delay = Math.max(delay, retryAfterMs);
  return Math.round(delay);
}
