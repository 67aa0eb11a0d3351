import { formatPath } from '../path.js';
import type { Problem } from './problem.js';
import { allScopes, type ScopeNode, type StepNode, type StepTree } from './step-tree.js';

/**
 * Sets `needs` of every step: the explicit list (steps of the same scope only), else the previous
 * step of the scope, else none. Reports names that are not steps of the same scope.
 */
export function resolveNeeds(tree: StepTree): Problem[] {
  const problems: Problem[] = [];
  for (const scope of allScopes(tree)) {
    for (const step of scope.steps) step.needs = needsOf(step, scope, tree, problems);
  }
  return problems;
}

function needsOf(step: StepNode, scope: ScopeNode, tree: StepTree, problems: Problem[]): StepNode[] {
  const declared = step.raw.needs;
  if (declared === undefined) {
    const previous = scope.steps[step.index - 1];
    return previous === undefined ? [] : [previous];
  }
  // A malformed `needs` is a schema error already; treat it as none rather than guess.
  if (!Array.isArray(declared)) return [];
  const needs: StepNode[] = [];
  declared.forEach((name, index) => {
    if (typeof name !== 'string') return;
    const target = scope.steps.find((candidate) => candidate.id === name);
    if (target === undefined) {
      problems.push({
        path: [...step.path, 'needs', index],
        message: unknownNeed(name, tree),
        code: 'ATOM_ERR_SPEC_UNKNOWN_NEED',
      });
    } else if (!needs.includes(target)) {
      needs.push(target);
    }
  });
  return needs;
}

function unknownNeed(name: string, tree: StepTree): string {
  const elsewhere = tree.byId.get(name);
  if (elsewhere === undefined) return `no step "${name}"`;
  return `"${name}" (at ${formatPath(elsewhere.path)}) is not in the same list; needs name steps of the same list`;
}
