import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssuePath, toInputIssues } from './input-issues.js';

describe('formatIssuePath', () => {
  it('writes paths the way `with` is written', () => {
    expect(formatIssuePath([])).toBe('');
    expect(formatIssuePath(['a', 'b', 0])).toBe('a.b[0]');
    expect(formatIssuePath(['headers', 'content-type'])).toBe('headers.content-type');
    expect(formatIssuePath([0, 'x'])).toBe('[0].x');
    expect(formatIssuePath(['query', 'a.b'])).toBe('query["a.b"]');
  });
});

describe('toInputIssues', () => {
  it('names the accepted types of a failed union', () => {
    const schema = z.object({ value: z.union([z.string(), z.number()]) });
    const result = schema.safeParse({ value: true });
    expect(toInputIssues(result.error?.issues ?? [])).toEqual([
      { path: 'value', message: 'Invalid input: expected string or number' },
    ]);
  });

  it('gives the complaint of the branch whose type matched', () => {
    const schema = z.object({ value: z.union([z.string().regex(/^a/, 'Must start with a'), z.number()]) });
    const result = schema.safeParse({ value: 'b' });
    expect(toInputIssues(result.error?.issues ?? [])).toEqual([{ path: 'value', message: 'Must start with a' }]);
  });

  it('lists each unknown key at its own path', () => {
    const result = z.strictObject({ a: z.strictObject({}) }).safeParse({ a: { x: 1, y: 2 } });
    expect(toInputIssues(result.error?.issues ?? [])).toEqual([
      { path: 'a.x', message: 'Unknown field' },
      { path: 'a.y', message: 'Unknown field' },
    ]);
  });
});
