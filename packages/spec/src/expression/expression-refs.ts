import type jsonata from 'jsonata';

/** Calls `visit` on every node of a JSONata AST: arguments, lhs/rhs, stages, predicates, lambda bodies. */
function walk(ast: jsonata.ExprNode, visit: (node: jsonata.ExprNode) => void): void {
  const pending: unknown[] = [ast];
  const seen = new Set<unknown>();
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    visit(node as jsonata.ExprNode);
    for (const child of Object.values(node)) pending.push(child);
  }
}

/**
 * Step ids an expression reads as `$steps.<id>`: every path whose first step is the variable
 * `steps` and whose second is a name. Dynamic reads (`$lookup($steps, $x)`) cannot be known and are
 * not listed.
 */
export function expressionRefs(ast: jsonata.ExprNode): string[] {
  const refs = new Set<string>();
  walk(ast, (node) => {
    const ref = stepsRef(node);
    if (ref !== null) refs.add(ref);
  });
  return [...refs];
}

/** Names of the variables an expression reads (`$secrets` → `secrets`), built-in functions included. */
export function expressionVariables(ast: jsonata.ExprNode): string[] {
  const names = new Set<string>();
  walk(ast, (node) => {
    if (node.type === 'variable' && typeof node.value === 'string') names.add(node.value);
  });
  return [...names];
}

function stepsRef(node: jsonata.ExprNode): string | null {
  if (node.type !== ('path' as jsonata.ExprNode['type']) || !Array.isArray(node.steps)) return null;
  const [first, second] = node.steps;
  if (first?.type !== 'variable' || first.value !== 'steps') return null;
  if (second?.type !== 'name' || typeof second.value !== 'string') return null;
  return second.value;
}
