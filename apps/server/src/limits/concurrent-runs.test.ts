import { describe, expect, it } from 'vitest';
import { canStart } from './concurrent-runs.js';
import { TIERS } from './tiers.js';

describe('canStart', () => {
  it('allows a run while fewer than the limit are active', () => {
    expect([0, 4, 5, 6].map((active) => canStart(active, TIERS.free.concurrentRuns))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('always allows under no limit, never under a limit of 0', () => {
    expect(canStart(1_000_000, TIERS.enterprise.concurrentRuns)).toBe(true);
    expect(canStart(0, 0)).toBe(false);
  });
});
