import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createNodeRegistry } from './create-node-registry.js';
import { defineNode } from './define-node.js';

const node = (type: string) =>
  defineNode({ type, version: 1, title: type, description: type, input: z.object({}), run: async () => null });

describe('createNodeRegistry', () => {
  it('finds nodes by type and lists them in order', () => {
    const a = node('demo.a');
    const b = node('demo.b');
    const registry = createNodeRegistry([a, b]);
    expect(registry.get('demo.b')).toBe(b);
    expect(registry.get('demo.c')).toBeUndefined();
    expect(registry.list()).toEqual([a, b]);
  });

  it('refuses two nodes of the same type', () => {
    expect(() => createNodeRegistry([node('demo.a'), node('demo.a')])).toThrow(/"demo\.a" is defined twice/);
  });
});
