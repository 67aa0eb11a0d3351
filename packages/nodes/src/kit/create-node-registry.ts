import type { NodeDefinition, NodeRegistry } from '@atom/engine';
import { AtomError } from '@atom/errors';

/**
 * The engine's NodeRegistry over a fixed list of nodes (built-ins plus connector actions).
 * Two nodes with the same type are a wiring bug, so they throw instead of one shadowing the other.
 *
 * @example
 * const registry = createNodeRegistry([...builtinNodes(config), ...githubActions]);
 */
export function createNodeRegistry(nodes: readonly NodeDefinition[]): NodeRegistry {
  const byType = new Map<string, NodeDefinition>();
  for (const node of nodes) {
    if (byType.has(node.type)) throw new AtomError('ATOM_ERR_INTERNAL', `node type "${node.type}" is defined twice`);
    byType.set(node.type, node);
  }
  const list = Object.freeze([...byType.values()]);
  return {
    get: (type) => byType.get(type),
    list: () => list,
  };
}
