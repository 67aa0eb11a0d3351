import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPath, parsePath } from './path.js';

describe('paths', () => {
  it('prints paths as error details show them', () => {
    expect(formatPath(['steps', 2, 'with', 'url'])).toBe('steps[2].with.url');
    expect(formatPath(['steps', 0, 'steps', 1, 'needs', 0])).toBe('steps[0].steps[1].needs[0]');
    expect(formatPath(['with', 'a b', 'c.d'])).toBe('with["a b"]["c.d"]');
    expect(formatPath([])).toBe('');
  });

  it('reads back what it prints', () => {
    const segment = fc.oneof(fc.string(), fc.nat());
    fc.assert(
      fc.property(fc.array(segment), (segments) => {
        expect(parsePath(formatPath(segments))).toEqual(segments);
      }),
    );
  });
});
