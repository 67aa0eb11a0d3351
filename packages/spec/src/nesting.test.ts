import { AtomError } from '@atom/errors';
import { describe, expect, it } from 'vitest';
import { assertNesting, DEFAULT_MAX_NESTING, tooDeepAt } from './nesting.js';

/** `depth` arrays inside each other, innermost holding `leaf`. */
function nested(depth: number, leaf: unknown = 1): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('nesting limit', () => {
  it('counts the value itself as level 1 and scalars as no level', () => {
    expect(tooDeepAt('text', 0)).toBeNull();
    expect(tooDeepAt({}, 1)).toBeNull();
    expect(tooDeepAt({ a: {} }, 1)).toEqual(['a']);
    expect(tooDeepAt({ a: [[1]] }, 2)).toEqual(['a', 0]);
    expect(tooDeepAt(nested(64), 64)).toBeNull();
    expect(tooDeepAt(nested(65), 64)).toHaveLength(64);
  });

  it('gives the path of the first place the limit is crossed, keys and indexes', () => {
    const value = { ok: [1, 2, { fine: true }], deep: [{ x: 1 }, { x: { y: [1] } }] };
    expect(tooDeepAt(value, 3)).toEqual(['deep', 1, 'x']);
    expect(tooDeepAt(value, 4)).toEqual(['deep', 1, 'x', 'y']);
    expect(tooDeepAt(value, 5)).toBeNull();
  });

  it('walks a million levels without overflowing the stack', () => {
    expect(tooDeepAt(nested(1_000_000), DEFAULT_MAX_NESTING)).toHaveLength(DEFAULT_MAX_NESTING);
  });

  it('does not follow a value round its own cycle', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(tooDeepAt(cyclic, 2)).toBeNull();
  });

  it('throws ATOM_ERR_VALUE_TOO_DEEP with the path under its base', () => {
    let thrown: unknown;
    try {
      assertNesting({ x: nested(5) }, 3, 'the run inputs', ['inputs']);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AtomError);
    expect(thrown).toMatchObject({
      code: 'ATOM_ERR_VALUE_TOO_DEEP',
      details: [{ path: 'inputs.x[0][0]' }],
      data: { limit: 3 },
    });
    expect(() => assertNesting({ x: nested(2) }, 3, 'the run inputs')).not.toThrow();
  });
});
