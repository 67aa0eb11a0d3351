import { describe, expect, it } from 'vitest';
import { createLimitWarningGate, isNearLimit } from './limit-warning.js';
import { createMemoryRateLimitStore } from './memory-rate-limit-store.js';
import { createRateLimiter } from './rate-limiter.js';
import { T0 } from './store-cases.fixture.js';

describe('limit warnings', () => {
  it('are near from 80 % of a finite limit on, exactly', () => {
    expect([3, 4, 5, 6].map((used) => isNearLimit(used, 5))).toEqual([false, true, true, true]);
    expect([15, 16].map((used) => isNearLimit(used, 20))).toEqual([false, true]);
    expect(isNearLimit(47, 60)).toBe(false);
    expect(isNearLimit(48, 60)).toBe(true);
    expect(isNearLimit(10 ** 9, Number.POSITIVE_INFINITY)).toBe(false);
    expect(isNearLimit(0, 0)).toBe(false);
  });

  it('are raised once per window for each key, not on every request above the threshold', async () => {
    const gate = createLimitWarningGate(createRateLimiter(createMemoryRateLimitStore()), { windowMs: 60_000 });
    const raised = [];
    for (const [key, used, now] of [
      ['ws-1:runs', 3, T0],
      ['ws-1:runs', 4, T0 + 1],
      ['ws-1:runs', 5, T0 + 2],
      ['ws-2:runs', 4, T0 + 3],
      ['ws-1:runs', 4, T0 + 59_999],
      ['ws-1:runs', 4, T0 + 60_001],
      ['ws-1:runs', 4, T0 + 60_002],
    ] as const) {
      raised.push(await gate.shouldWarn(key, used, 5, now));
    }
    expect(raised).toEqual([false, true, false, true, false, true, false]);
  });

  it('take their threshold from the options', async () => {
    const gate = createLimitWarningGate(createRateLimiter(createMemoryRateLimitStore()), { thresholdPercent: 50 });
    expect(await gate.shouldWarn('k', 49, 100, T0)).toBe(false);
    expect(await gate.shouldWarn('k', 50, 100, T0)).toBe(true);
  });
});
