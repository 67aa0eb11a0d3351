import { AtomError } from '@atom/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, gcraUpdate, planStep } from './gcra.js';
import { createMemoryRateLimitStore } from './memory-rate-limit-store.js';
import { createRateLimiter } from './rate-limiter.js';
import { T0 } from './store-cases.fixture.js';

describe('GCRA core', () => {
  it('turns a limit into whole microseconds', () => {
    expect(planStep({ ratePerMinute: 7, burst: 3, cost: 2 }, T0 + 0.4)).toEqual({
      emissionUs: 8_571_429,
      step: { nowUs: T0 * 1000 + 400, incrementUs: 17_142_858, toleranceUs: 25_714_287 },
    });
    expect(planStep({ ratePerMinute: Number.POSITIVE_INFINITY, burst: 1 }, T0)).toBeUndefined();
  });

  it.each([
    [{ ratePerMinute: 0, burst: 1 }],
    [{ ratePerMinute: Number.NaN, burst: 1 }],
    [{ ratePerMinute: 60, burst: 0 }],
    [{ ratePerMinute: 60, burst: 1.5 }],
    [{ ratePerMinute: 60, burst: 2, cost: 3 }],
    [{ ratePerMinute: 60, burst: 2, cost: -1 }],
    [{ ratePerMinute: 0.0001, burst: 100_000 }],
  ])('refuses the impossible limit %j', (limit) => {
    expect(() => planStep(limit, T0)).toThrow(AtomError);
  });

  it('admits while the TAT stays within the tolerance, and keeps the TAT of a refusal', () => {
    const step = { nowUs: 100, incrementUs: 10, toleranceUs: 20 };
    expect(gcraUpdate(undefined, step)).toEqual({ allowed: true, tatUs: 110 });
    expect(gcraUpdate(50, step)).toEqual({ allowed: true, tatUs: 110 });
    expect(gcraUpdate(110, step)).toEqual({ allowed: true, tatUs: 120 });
    expect(gcraUpdate(115, step)).toEqual({ allowed: false, tatUs: 115 });
  });

  it('never answers a refusal with a Retry-After of 0', () => {
    const plan = planStep({ ratePerMinute: 60_000_000, burst: 1 }, T0)!;
    const refused = decide(plan, { allowed: false, tatUs: plan.step.nowUs + 1 }, false);
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 1 });
  });

  it('decides exactly as a token bucket with continuous refill', async () => {
    const request = fc.record({
      afterMs: fc.integer({ min: 0, max: 5000 }),
      costPart: fc.integer({ min: 0, max: 1000 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(request, { maxLength: 60 }),
        async (ratePerMinute, burst, requests) => {
          const limiter = createRateLimiter(createMemoryRateLimitStore());
          const emissionUs = Math.round(60_000_000 / ratePerMinute);
          const capacityUs = burst * emissionUs;
          let creditUs = capacityUs;
          let now = T0;
          for (const { afterMs, costPart } of requests) {
            now += afterMs;
            creditUs = Math.min(capacityUs, creditUs + afterMs * 1000);
            const cost = Math.floor((costPart * (burst + 1)) / 1001);
            const needUs = cost * emissionUs;
            const allowed = creditUs >= needUs;
            if (allowed) creditUs -= needUs;
            const decision = await limiter.take('k', { ratePerMinute, burst, cost }, now);
            expect(decision).toEqual({
              allowed,
              remaining: Math.floor(creditUs / emissionUs),
              retryAfterMs: allowed ? 0 : Math.ceil((needUs - creditUs) / 1000),
              resetMs: Math.ceil((capacityUs - creditUs) / 1000),
              degraded: false,
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
