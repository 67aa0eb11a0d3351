import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  it('keeps creation order within one millisecond and across milliseconds', () => {
    const now = Date.UTC(2026, 11, 3);
    const ids = [
      ...Array.from({ length: 1500 }, () => newId(now)),
      ...Array.from({ length: 10 }, () => newId(now + 1)),
    ];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('writes the UUID version 7 layout with the time in the first 48 bits', () => {
    const id = newId(0x0123456789ab);
    expect(id).toMatch(/^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
