/**
 * The pure core of rate limiting: GCRA (the generic cell rate algorithm), a token bucket kept as one
 * number per key, the TAT ("theoretical arrival time"). Every store applies `gcraUpdate` (in
 * TypeScript, Lua or SQL) as one atomic read-decide-write; this file turns a limit into the step a
 * store applies and the store's outcome into the answer the HTTP layer needs.
 *
 * Times inside are whole microseconds, so sums stay exact in doubles, Lua numbers and SQL bigints
 * (a rate of 7 a minute is 8 571 429 µs per request, where milliseconds would need fractions).
 */
import { AtomError } from '@atom/errors';

/** A rate limit: `ratePerMinute` sustained, up to `burst` at once; a request takes `cost` of it. */
export interface RateLimit {
  /** Requests refilled per minute; `Infinity` means unlimited (no store is asked). */
  ratePerMinute: number;
  /** Bucket capacity: how many requests a key that was idle long enough may make at once. */
  burst: number;
  /** Tokens this request takes; 1 unless a request is heavier. 0 reads the state without taking. */
  cost?: number;
}

/** The answer to one `take`. */
export interface RateDecision {
  allowed: boolean;
  /** Requests of cost 1 the key may still make right now, after this one. */
  remaining: number;
  /** 0 when allowed; else how long until this same request would be allowed (`Retry-After`). */
  retryAfterMs: number;
  /** How long until the bucket is full again (all of `burst` available). */
  resetMs: number;
  /** True when the shared store was unreachable and the decision came from this process alone. */
  degraded: boolean;
}

/** What a store applies atomically to one key: all in whole microseconds. */
export interface GcraStep {
  /** The caller's clock. */
  nowUs: number;
  /** `cost` × the emission interval: how far an admitted request pushes the TAT. */
  incrementUs: number;
  /** `burst` × the emission interval: how far ahead of now the TAT may be after an admission. */
  toleranceUs: number;
}

/** What a store answers. */
export interface GcraOutcome {
  allowed: boolean;
  /** The key's TAT after the step: the new one when allowed, the unchanged one when not. */
  tatUs: number;
}

/** A limit resolved against a clock: the step for the store, and what `decide` needs afterwards. */
export interface GcraPlan {
  step: GcraStep;
  /** Microseconds between two requests at the sustained rate. */
  emissionUs: number;
}

const MICROS_PER_MINUTE = 60_000_000;
/** Sums of TATs and tolerances stay far below 2^53 with this bound (now ≈ 1.7e15 µs). */
const MAX_TOLERANCE_US = 2 ** 50;

/**
 * The step for `limit` at `now` (ms since the epoch), or undefined when the limit is unlimited.
 * Throws ATOM_ERR_INTERNAL for a limit no tier can have (tiers are checked when they are set).
 */
export function planStep(limit: RateLimit, now: number): GcraPlan | undefined {
  const { ratePerMinute, burst } = limit;
  const cost = limit.cost ?? 1;
  if (!(ratePerMinute > 0)) throw invalid(`ratePerMinute must be above 0, not ${ratePerMinute}`);
  if (ratePerMinute === Number.POSITIVE_INFINITY) return undefined;
  if (!Number.isSafeInteger(burst) || burst < 1) throw invalid(`burst must be a whole number ≥ 1, not ${burst}`);
  if (!Number.isSafeInteger(cost) || cost < 0 || cost > burst) {
    throw invalid(`cost must be a whole number from 0 to burst (${burst}), not ${cost}`);
  }
  if (!Number.isFinite(now)) throw invalid(`now must be a finite time in ms, not ${now}`);
  const emissionUs = Math.max(1, Math.round(MICROS_PER_MINUTE / ratePerMinute));
  const toleranceUs = burst * emissionUs;
  if (toleranceUs > MAX_TOLERANCE_US) throw invalid(`burst ${burst} at ${ratePerMinute}/min spans too long a time`);
  return { emissionUs, step: { nowUs: Math.round(now * 1000), incrementUs: cost * emissionUs, toleranceUs } };
}

/**
 * One GCRA step on a key's stored TAT (undefined when the key has none). The Lua script and the SQL
 * statements are transcriptions of this function; the conformance suite holds them to it.
 *
 * @example
 * gcraUpdate(undefined, { nowUs: 0, incrementUs: 10, toleranceUs: 20 }) // { allowed: true, tatUs: 10 }
 */
export function gcraUpdate(storedTatUs: number | undefined, step: GcraStep): GcraOutcome {
  const base = Math.max(storedTatUs ?? step.nowUs, step.nowUs);
  const next = base + step.incrementUs;
  if (next - step.nowUs > step.toleranceUs) return { allowed: false, tatUs: base };
  return { allowed: true, tatUs: next };
}

/** The answer for a store's outcome of `plan`. */
export function decide(plan: GcraPlan, outcome: GcraOutcome, degraded: boolean): RateDecision {
  const { nowUs, incrementUs, toleranceUs } = plan.step;
  const ahead = Math.max(outcome.tatUs, nowUs) - nowUs;
  return {
    allowed: outcome.allowed,
    remaining: Math.max(0, Math.floor((toleranceUs - ahead) / plan.emissionUs)),
    retryAfterMs: outcome.allowed ? 0 : Math.max(1, Math.ceil((ahead + incrementUs - toleranceUs) / 1000)),
    resetMs: Math.ceil(ahead / 1000),
    degraded,
  };
}

/** The answer for an unlimited limit. */
export function unlimitedDecision(degraded: boolean): RateDecision {
  return { allowed: true, remaining: Number.POSITIVE_INFINITY, retryAfterMs: 0, resetMs: 0, degraded };
}

function invalid(message: string): AtomError {
  return new AtomError('ATOM_ERR_INTERNAL', `rate limit: ${message}`);
}
