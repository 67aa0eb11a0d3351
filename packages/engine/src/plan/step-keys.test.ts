import { describe, expect, it } from 'vitest';
import { childKey, enclosingInstances, iterationKey, nearestIteration, resolveKey } from './step-keys.js';

describe('step keys', () => {
  it('names instances by their path', () => {
    expect(childKey('', 'a')).toBe('a');
    expect(childKey('grp', 'b')).toBe('grp.b');
    expect(iterationKey('loop', 2)).toBe('loop[2]');
    expect(childKey(iterationKey('loop', 2), 'b')).toBe('loop[2].b');
  });

  it('lists enclosing instances', () => {
    expect(enclosingInstances('loop[2].grp.b')).toEqual([
      ['loop', 'loop[2]'],
      ['grp', 'loop[2].grp'],
    ]);
    expect(enclosingInstances('a')).toEqual([]);
  });

  it('resolves a step read from inside an iteration to the same iteration', () => {
    expect(resolveKey('loop[2].b', 'a', ['loop'])).toBe('loop[2].a');
    expect(resolveKey('loop[2].b', 'top', [])).toBe('top');
    expect(resolveKey('loop[3]', 'top', [])).toBe('top');
  });

  it('finds the nearest iteration', () => {
    expect(nearestIteration('loop[2].b')).toBe('loop[2]');
    expect(nearestIteration('loop[2]')).toBe('loop[2]');
    expect(nearestIteration('outer[1].inner[3].x')).toBe('outer[1].inner[3]');
    expect(nearestIteration('a')).toBeUndefined();
  });
});
