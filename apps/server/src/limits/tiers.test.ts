import { AtomError } from '@atom/errors';
import { describe, expect, it } from 'vitest';
import { isTierName, limitProblems, requestLimit, resolveLimits, TIERS } from './tiers.js';

describe('tiers', () => {
  it('default to 5, 20 and unlimited concurrent runs, with request rates that grow by tier', () => {
    expect([TIERS.free, TIERS.pro, TIERS.enterprise].map((t) => t.concurrentRuns)).toEqual([
      5,
      20,
      Number.POSITIVE_INFINITY,
    ]);
    expect(TIERS.free.requestsPerMinute).toBeLessThan(TIERS.pro.requestsPerMinute);
    expect(TIERS.pro.requestsPerMinute).toBeLessThan(TIERS.enterprise.requestsPerMinute);
    expect(Object.isFrozen(TIERS.free)).toBe(true);
  });

  it('lets a workspace override any number of its tier', () => {
    expect(resolveLimits('pro', { concurrentRuns: 50 })).toEqual({ ...TIERS.pro, concurrentRuns: 50 });
    expect(resolveLimits('free', { requestsPerMinute: Number.POSITIVE_INFINITY, burst: undefined })).toEqual({
      ...TIERS.free,
      requestsPerMinute: Number.POSITIVE_INFINITY,
    });
    expect(resolveLimits('enterprise')).toEqual(TIERS.enterprise);
  });

  it('names every bad field of an override', () => {
    expect(limitProblems({ requestsPerMinute: 0, burst: 2.5, concurrentRuns: -1 }).map((d) => d.path)).toEqual([
      'requestsPerMinute',
      'burst',
      'concurrentRuns',
    ]);
    expect(limitProblems({ requestsPerMinute: 1 / 60, burst: 100_000, concurrentRuns: 0 })).toEqual([]);
    let error: unknown;
    try {
      resolveLimits('free', { burst: 0 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AtomError);
    expect(error).toMatchObject({ code: 'ATOM_ERR_CONFIG_INVALID', details: [{ path: 'burst' }] });
  });

  it('knows its tier names, and gives the request limit of a set of limits', () => {
    expect(['free', 'pro', 'enterprise', 'gold', 'toString'].map(isTierName)).toEqual([true, true, true, false, false]);
    expect(requestLimit(TIERS.free, 2)).toEqual({ ratePerMinute: 120, burst: 60, cost: 2 });
  });
});
