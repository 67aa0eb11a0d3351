import { builtinNodes, createNodeRegistry } from '@atom/nodes';
import type { AtomConfig } from './env-config.js';

/** The node types this process offers: the built-ins, configured from the environment. */
export function createNodes(config: AtomConfig) {
  return createNodeRegistry(
    builtinNodes({
      httpAllow: config.httpAllow,
      code: { memoryBytes: config.codeMemoryBytes, timeoutMs: config.codeTimeoutMs },
    }),
  );
}
