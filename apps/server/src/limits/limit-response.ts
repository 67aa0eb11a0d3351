/**
 * What the HTTP layer sends for a decision: `Retry-After` in whole seconds (rounded up, so a client
 * that waits exactly that long is admitted) and the RateLimit-* headers; and the AtomError of a
 * refusal, whose code the caller passes (the registry owns the codes).
 */
import { AtomError, type ErrorCode } from '@atom/errors';
import type { RateDecision, RateLimit } from './gcra.js';

/** Seconds for `Retry-After`: 0 when allowed, else at least 1. */
export function retryAfterSeconds(decision: RateDecision): number {
  return decision.allowed ? 0 : Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
}

/**
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds until the bucket is full;
 * IETF httpapi draft, the form most clients read) and `Retry-After` when refused. Nothing for an
 * unlimited limit.
 */
export function rateLimitHeaders(decision: RateDecision, limit: RateLimit): Record<string, string> {
  if (!Number.isFinite(limit.ratePerMinute)) return {};
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(limit.burst),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(Math.ceil(decision.resetMs / 1000)),
  };
  if (!decision.allowed) headers['Retry-After'] = String(retryAfterSeconds(decision));
  return headers;
}

/**
 * The error of a request refused by a limit (answered 429 by the registry entry of `code`).
 *
 * @example
 * throw limitExceededError(code, `workspace ${id} made too many API requests`, decision.retryAfterMs);
 */
export function limitExceededError(code: ErrorCode, message: string, retryAfterMs: number): AtomError {
  return new AtomError(code, message, { retryable: true, retryAfterMs });
}
