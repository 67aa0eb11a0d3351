import { describe, expect, it } from 'vitest';
import { outputOf } from '../test-support/node-context.js';
import { transformNode } from './transform.js';

describe('transform', () => {
  it('outputs its evaluated input', async () => {
    const input = { total: 3, items: [{ id: 1 }], label: 'x', none: null };
    expect(await outputOf(transformNode, input)).toEqual(input);
  });

  it('takes any object, and only an object', () => {
    expect(transformNode.parseInput({}).ok).toBe(true);
    expect(transformNode.parseInput([1, 2]).ok).toBe(false);
  });
});
