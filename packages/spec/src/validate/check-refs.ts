/**
 * `$steps.<id>` reads only what exists when the expression runs. A step reads steps of its own
 * scope that run before it (transitively through needs), and steps of enclosing scopes that run
 * before the group containing it; a group's `output` also reads its own inner steps; a step's
 * `output` and `compensate` read the step itself; `outputs` reads top-level steps; onFailure steps
 * also read any top-level step; triggers read none.
 */
import { type CompiledTemplate, collectExpressions } from '../expression/template.js';
import { formatPath, parsePath } from '../path.js';
import type { DocumentTemplates, StepTemplates } from './compile-templates.js';
import type { Problem } from './problem.js';
import type { StepNode, StepTree } from './step-tree.js';

/** `before`: evaluated before the step runs; `after`: once it has a result (output, compensate). */
type Moment = 'before' | 'after';

const MOMENTS: Record<keyof StepTemplates, Moment> = {
  with: 'before',
  if: 'before',
  foreach: 'before',
  cacheKey: 'before',
  output: 'after',
  compensateWith: 'after',
};

export function checkRefs(tree: StepTree, templates: DocumentTemplates): Problem[] {
  const problems: Problem[] = [];
  const upstream = upstreamOf();
  const report = (
    template: CompiledTemplate | null,
    why: (target: StepNode | undefined, id: string) => string | null,
  ) => {
    if (template === null) return;
    for (const expression of collectExpressions(template)) {
      for (const id of expression.refs) {
        const message = why(tree.byId.get(id), id);
        if (message !== null) {
          problems.push({
            path: parsePath(expression.path),
            message: `$steps.${id}: ${message}`,
            code: 'ATOM_ERR_SPEC_STEP_REF',
          });
        }
      }
    }
  };
  for (const [step, stepTemplates] of templates.steps) {
    for (const field of Object.keys(MOMENTS) as (keyof StepTemplates)[]) {
      report(stepTemplates[field], (target, id) =>
        target === undefined ? `no step "${id}"` : stepReadProblem(step, MOMENTS[field], target, tree, upstream),
      );
    }
  }
  report(templates.outputs, (target, id) => {
    if (target === undefined) return `no step "${id}"`;
    return target.scope === tree.root ? null : `${where(target)}; outputs read top-level steps only`;
  });
  for (const trigger of templates.triggers) report(trigger, () => 'a trigger runs before any step, it reads no step');
  return problems;
}

function stepReadProblem(
  reader: StepNode,
  moment: Moment,
  target: StepNode,
  tree: StepTree,
  upstream: (step: StepNode) => ReadonlySet<StepNode>,
): string | null {
  if (target === reader) {
    return moment === 'after' ? null : `"${name(reader)}" cannot read itself before it has run`;
  }
  if (moment === 'after' && reader.children !== null && target.scope === reader.children) return null;
  // From the reader outwards: the first container that shares the target's scope decides.
  const containers = [reader, ...[...reader.ancestors].reverse()];
  for (const container of containers) {
    if (target.scope !== container.scope) continue;
    if (target === container)
      return `"${name(target)}" is the group containing "${name(reader)}"; it has no output yet`;
    if (upstream(container).has(target)) return null;
    return container === reader
      ? `"${name(target)}" does not run before "${name(reader)}"; list it in needs (or place it before)`
      : `"${name(target)}" does not run before group "${name(container)}", which contains "${name(reader)}"`;
  }
  if (reader.scope.inOnFailure && target.scope === tree.root) return null;
  if (target.scope.inOnFailure && !reader.scope.inOnFailure) {
    return `"${name(target)}" is an onFailure step; it runs only after the run failed`;
  }
  const group = target.ancestors[target.ancestors.length - 1];
  if (group !== undefined)
    return `"${name(target)}" is inside group "${name(group)}", which "${name(reader)}" is not in`;
  return `"${name(target)}" is not visible from "${name(reader)}"`;
}

function where(target: StepNode): string {
  const group = target.ancestors[target.ancestors.length - 1];
  if (group !== undefined) return `"${name(target)}" is inside group "${name(group)}"`;
  if (target.scope.inOnFailure) return `"${name(target)}" is an onFailure step`;
  return `"${name(target)}" is a top-level step`;
}

function name(step: StepNode): string {
  return step.id ?? formatPath(step.path);
}

/** Steps a step waits for, directly or through others; memoised, safe on cycles. */
function upstreamOf(): (step: StepNode) => ReadonlySet<StepNode> {
  const memo = new Map<StepNode, Set<StepNode>>();
  return (step) => {
    const known = memo.get(step);
    if (known) return known;
    const reached = new Set<StepNode>();
    const pending = [...step.needs];
    while (pending.length > 0) {
      const next = pending.pop()!;
      if (reached.has(next)) continue;
      reached.add(next);
      pending.push(...next.needs);
    }
    memo.set(step, reached);
    return reached;
  };
}
