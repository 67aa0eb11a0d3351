import type jsonata from 'jsonata';

/**
 * Step ids an expression reads as `$steps.<id>`: every path whose first step is the variable
 * `steps` and whose second is a name. Dynamic reads (`$lookup($steps, $x)`) cannot be known and are
 * not listed.
 */
export function expressionRefs(ast: jsonata.ExprNode): string[] {
  const refs = new Set<string>();
  const pending: unknown[] = [ast];
  const seen = new Set<unknown>();
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    const ref = stepsRef(node as jsonata.ExprNode);
    if (ref !== null) refs.add(ref);
    // Every child of every node kind: arguments, lhs/rhs, stages, predicates, lambda bodies, …
    for (const child of Object.values(node)) pending.push(child);
  }
  return [...refs];
}

function stepsRef(node: jsonata.ExprNode): string | null {
  if (node.type !== ('path' as jsonata.ExprNode['type']) || !Array.isArray(node.steps)) return null;
  const [first, second] = node.steps;
  if (first?.type !== 'variable' || first.value !== 'steps') return null;
  if (second?.type !== 'name' || typeof second.value !== 'string') return null;
  return second.value;
}

/** Names of the variables an expression reads (`$secrets` → `secrets`), built-in functions included. */
export function expressionVariables(ast: jsonata.ExprNode): string[] {
  const names = new Set<string>();
  const pending: unknown[] = [ast];
  const seen = new Set<unknown>();
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    const { type, value } = node as jsonata.ExprNode;
    if (type === 'variable' && typeof value === 'string') names.add(value);
    for (const child of Object.values(node)) pending.push(child);
  }
  return [...names];
}
