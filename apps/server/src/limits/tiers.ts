/**
 * Per-workspace limits by tier (DESIGN §7): API requests per minute with a burst, and concurrent
 * runs. A workspace has a tier and may override any of its numbers; both can change at run time,
 * so callers resolve the limits per request (cheap) rather than caching them.
 */
import { AtomError, type ErrorDetail } from '@atom/errors';
import type { RateLimit } from './gcra.js';

export type TierName = 'free' | 'pro' | 'enterprise';

export interface TierLimits {
  /** Sustained API requests per minute; `Infinity` for no limit. */
  requestsPerMinute: number;
  /** API requests allowed at once after an idle spell (the bucket's capacity). */
  burst: number;
  /** Runs of the workspace active at once; `Infinity` for no limit, 0 to start none. */
  concurrentRuns: number;
}

/**
 * The defaults. Runs: 5 / 20 / unlimited, as DESIGN §7 says. Requests: free allows 2 a second
 * with room for a Studio page load (a few dozen calls at once); pro suits scripts and CI syncing
 * workflows; enterprise stays finite so one runaway client cannot take a shared server down, and
 * can be raised to `Infinity` per workspace.
 */
export const TIERS: Readonly<Record<TierName, Readonly<TierLimits>>> = Object.freeze({
  free: Object.freeze({ requestsPerMinute: 120, burst: 60, concurrentRuns: 5 }),
  pro: Object.freeze({ requestsPerMinute: 600, burst: 200, concurrentRuns: 20 }),
  enterprise: Object.freeze({ requestsPerMinute: 3000, burst: 1000, concurrentRuns: Number.POSITIVE_INFINITY }),
});

export function isTierName(value: unknown): value is TierName {
  return typeof value === 'string' && Object.hasOwn(TIERS, value);
}

/** Bounds that keep every limit representable by every store (see gcra.ts). */
const MIN_REQUESTS_PER_MINUTE = 1 / 60;
const MAX_REQUESTS_PER_MINUTE = 1_000_000;
const MAX_BURST = 100_000;

/**
 * What is wrong with limit values (an override, or a whole set), one detail per field; empty when
 * they are fine. An API route answers these with 400.
 */
export function limitProblems(limits: Partial<TierLimits>): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const { requestsPerMinute: rate, burst, concurrentRuns: runs } = limits;
  if (
    rate !== undefined &&
    rate !== Number.POSITIVE_INFINITY &&
    !(rate >= MIN_REQUESTS_PER_MINUTE && rate <= MAX_REQUESTS_PER_MINUTE)
  ) {
    problems.push({
      path: 'requestsPerMinute',
      message: `must be from 1/60 to ${MAX_REQUESTS_PER_MINUTE}, or Infinity; got ${rate}`,
    });
  }
  if (burst !== undefined && !(Number.isInteger(burst) && burst >= 1 && burst <= MAX_BURST)) {
    problems.push({ path: 'burst', message: `must be a whole number from 1 to ${MAX_BURST}; got ${burst}` });
  }
  if (runs !== undefined && runs !== Number.POSITIVE_INFINITY && !(Number.isInteger(runs) && runs >= 0)) {
    problems.push({ path: 'concurrentRuns', message: `must be a whole number ≥ 0, or Infinity; got ${runs}` });
  }
  return problems;
}

/**
 * A workspace's limits: its tier's, with its own overrides on top (undefined fields keep the
 * tier's). Throws ATOM_ERR_CONFIG_INVALID with one detail per bad field.
 *
 * @example
 * resolveLimits('pro', { concurrentRuns: 50 }) // { requestsPerMinute: 600, burst: 200, concurrentRuns: 50 }
 */
export function resolveLimits(tier: TierName, overrides: Partial<TierLimits> = {}): TierLimits {
  const base = TIERS[tier];
  if (base === undefined) throw new AtomError('ATOM_ERR_CONFIG_INVALID', `unknown tier "${tier}"`);
  const details = limitProblems(overrides);
  if (details.length > 0) {
    throw new AtomError('ATOM_ERR_CONFIG_INVALID', `invalid limits for a ${tier} workspace`, { details });
  }
  return {
    requestsPerMinute: overrides.requestsPerMinute ?? base.requestsPerMinute,
    burst: overrides.burst ?? base.burst,
    concurrentRuns: overrides.concurrentRuns ?? base.concurrentRuns,
  };
}

/** The rate limit of a workspace's API requests, for `RateLimiter.take`. */
export function requestLimit(limits: TierLimits, cost = 1): RateLimit {
  return { ratePerMinute: limits.requestsPerMinute, burst: limits.burst, cost };
}
