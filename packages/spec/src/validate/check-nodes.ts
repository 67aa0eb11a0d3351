import { isPlainObject } from '../model/json-value-schema.js';
import { NODE_TYPE_PATTERN } from '../model/patterns.js';
import type { PathSegment } from '../path.js';
import { checkInput } from './input-schema-check.js';
import type { NodeCatalog } from './node-catalog.js';
import type { Problem } from './problem.js';
import type { StepTree } from './step-tree.js';

const NODE_TYPE = new RegExp(NODE_TYPE_PATTERN);

/** Every `uses` (and `compensate.uses`) names an installed node, and its `with` fits the node's input schema. */
export function checkNodes(tree: StepTree, catalog: NodeCatalog): Problem[] {
  const problems: Problem[] = [];
  for (const step of tree.all) {
    problems.push(...checkNodeUse(step.raw, step.path, catalog));
    if (isPlainObject(step.raw.compensate)) {
      problems.push(...checkNodeUse(step.raw.compensate, [...step.path, 'compensate'], catalog));
    }
  }
  return problems;
}

function checkNodeUse(holder: Record<string, unknown>, path: PathSegment[], catalog: NodeCatalog): Problem[] {
  const type = holder.uses;
  // A malformed type is a schema error already; looking it up would only repeat it.
  if (typeof type !== 'string' || !NODE_TYPE.test(type)) return [];
  if (!catalog.has(type)) {
    return [{ path: [...path, 'uses'], message: `unknown node type "${type}"`, code: 'ATOM_ERR_SPEC_UNKNOWN_NODE' }];
  }
  const input = holder.with ?? {};
  const schema = catalog.inputSchema(type);
  if (schema === undefined || !isPlainObject(input)) return [];
  return checkInput(input, schema, [...path, 'with']).map((issue) => ({
    path: issue.path,
    message: `${type}: ${issue.message}`,
    code: 'ATOM_ERR_SPEC_NODE_INPUT',
  }));
}
