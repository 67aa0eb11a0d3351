import type { RetryPolicy } from '@atom/spec';
import { describe, expect, it } from 'vitest';
import { retryDelayMs, shouldRetry } from './retry-delay.js';

const policy = (p: Partial<RetryPolicy>): RetryPolicy => ({
  attempts: 4,
  backoff: 'exponential',
  delayMs: 1000,
  maxDelayMs: 5000,
  jitter: false,
  ...p,
});

describe('retry decisions', () => {
  it('retries retryable failures until the attempts are used', () => {
    expect(shouldRetry(policy({}), 1, true)).toBe(true);
    expect(shouldRetry(policy({}), 4, true)).toBe(false);
    expect(shouldRetry(policy({}), 1, false)).toBe(false);
  });

  it('doubles exponential delays up to the cap; fixed stays fixed', () => {
    const delays = [1, 2, 3, 4].map((attempt) => retryDelayMs(policy({}), attempt, undefined, Math.random));
    expect(delays).toEqual([1000, 2000, 4000, 5000]);
    expect(retryDelayMs(policy({ backoff: 'fixed' }), 3, undefined, Math.random)).toBe(1000);
  });

  it('jitters within [delay/2, delay]', () => {
    expect(retryDelayMs(policy({ jitter: true }), 2, undefined, () => 0)).toBe(1000);
    expect(retryDelayMs(policy({ jitter: true }), 2, undefined, () => 1)).toBe(2000);
  });

  it('honours Retry-After as a floor above the cap', () => {
    expect(retryDelayMs(policy({}), 1, 30_000, Math.random)).toBe(30_000);
    expect(retryDelayMs(policy({}), 3, 10, Math.random)).toBe(4000);
  });
});
