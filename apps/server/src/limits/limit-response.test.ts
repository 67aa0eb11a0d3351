import { AtomError } from '@atom/errors';
import { describe, expect, it } from 'vitest';
import { limitExceededError, rateLimitHeaders, retryAfterSeconds } from './limit-response.js';

const refused = { allowed: false, remaining: 0, retryAfterMs: 1001, resetMs: 59_500, degraded: false };
const limit = { ratePerMinute: 60, burst: 60 };

describe('limit responses', () => {
  it('round Retry-After up to whole seconds, never below 1 for a refusal', () => {
    expect(retryAfterSeconds(refused)).toBe(2);
    expect(retryAfterSeconds({ ...refused, retryAfterMs: 1000 })).toBe(1);
    expect(retryAfterSeconds({ ...refused, retryAfterMs: 0 })).toBe(1);
    expect(retryAfterSeconds({ ...refused, allowed: true, retryAfterMs: 0 })).toBe(0);
  });

  it('send the RateLimit headers, with Retry-After only on a refusal', () => {
    expect(rateLimitHeaders(refused, limit)).toEqual({
      'RateLimit-Limit': '60',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '60',
      'Retry-After': '2',
    });
    expect(rateLimitHeaders({ ...refused, allowed: true, remaining: 3, retryAfterMs: 0 }, limit)).not.toHaveProperty(
      'Retry-After',
    );
    expect(rateLimitHeaders(refused, { ratePerMinute: Number.POSITIVE_INFINITY, burst: 1 })).toEqual({});
  });

  it('build a retryable error with the wait, under the code the caller names', () => {
    const error = limitExceededError('ATOM_ERR_SERVER_UNAVAILABLE', 'too many requests', 1500);
    expect(error).toBeInstanceOf(AtomError);
    expect(error.toRecord()).toEqual({
      code: 'ATOM_ERR_SERVER_UNAVAILABLE',
      message: 'too many requests',
      retryable: true,
      retryAfterMs: 1500,
    });
  });
});
