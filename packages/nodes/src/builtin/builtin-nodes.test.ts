import { describe, expect, it } from 'vitest';
import { createNodeRegistry } from '../kit/create-node-registry.js';
import { builtinNodes } from './builtin-nodes.js';
import { DEFAULT_CODE_LIMITS } from './code.js';

describe('builtinNodes', () => {
  const nodes = builtinNodes({ httpAllow: ['127.0.0.1'], code: DEFAULT_CODE_LIMITS });

  it('provides every built-in node once, ready for the registry', () => {
    expect(nodes.map((node) => node.type)).toEqual([
      'transform',
      'log',
      'fail',
      'delay',
      'wait',
      'approval',
      'workflow.call',
      'respond',
      'http.request',
      'code',
    ]);
    expect(createNodeRegistry(nodes).list()).toHaveLength(10);
  });

  it('describes every input with a draft 2020-12 object schema', () => {
    for (const node of nodes) {
      expect(node.inputSchema).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
      });
      expect(node.version).toBe(1);
      expect(node.title).not.toBe('');
      expect(node.description).not.toBe('');
    }
  });

  it('refuses a malformed configuration at start-up', () => {
    expect(() => builtinNodes({ httpAllow: ['10.0.0.0/40'], code: DEFAULT_CODE_LIMITS })).toThrow(
      expect.objectContaining({ code: 'ATOM_ERR_CONFIG_INVALID' }),
    );
    expect(() => builtinNodes({ httpAllow: [], code: { memoryBytes: -1, timeoutMs: 10 } })).toThrow(
      expect.objectContaining({ code: 'ATOM_ERR_CONFIG_INVALID' }),
    );
  });
});
