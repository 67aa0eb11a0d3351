import { describe, expect, it } from 'vitest';
import { assertNoNul, jsonHoldsNul, nulAt } from './nul.js';

describe('NUL characters', () => {
  it('finds the first string or key holding one, in document order', () => {
    expect(nulAt('a\u0000')).toEqual([]);
    expect(nulAt({ a: 'ok', b: [1, 'x', { c: '\u0000' }], d: '\u0000' })).toEqual(['b', 2, 'c']);
    expect(nulAt({ ok: 1, ['k\u0000']: 1 })).toEqual(['k\u0000']);
    expect(nulAt({ a: 'the text \\u0000 is fine', n: 0, z: null })).toBeNull();
    const loop: Record<string, unknown> = { a: 'x' };
    loop.self = loop;
    expect(nulAt(loop)).toBeNull();
  });

  it('tells an escaped NUL in JSON text from the text \\u0000', () => {
    expect(jsonHoldsNul(JSON.stringify({ v: 'a\u0000' }))).toBe(true);
    expect(jsonHoldsNul(JSON.stringify({ v: '\\\u0000' }))).toBe(true);
    expect(jsonHoldsNul(JSON.stringify({ v: '\\u0000' }))).toBe(false);
    expect(jsonHoldsNul(JSON.stringify({ v: '\\\\u0000' }))).toBe(false);
  });

  it('throws ATOM_ERR_VALUE_NUL naming the path', () => {
    expect(() => assertNoNul({ x: ['\u0000'] }, 'the run inputs', ['inputs'])).toThrow(
      expect.objectContaining({
        code: 'ATOM_ERR_VALUE_NUL',
        details: [expect.objectContaining({ path: 'inputs.x[0]' })],
      }),
    );
    expect(() => assertNoNul({ x: 'fine' }, 'the run inputs')).not.toThrow();
  });
});
