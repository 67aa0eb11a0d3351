import type { Problem } from './problem.js';
import { allScopes, type StepNode, type StepTree } from './step-tree.js';

/**
 * Reports each dependency cycle once (one per strongly connected component), listing it in `needs`
 * order: `a → b → a` reads "a needs b, b needs a". Cycles can come from the implicit "previous
 * step" order too: `[a needs b, b]`.
 */
export function checkCycles(tree: StepTree): Problem[] {
  const problems: Problem[] = [];
  for (const scope of allScopes(tree)) {
    for (const component of stronglyConnected(scope.steps)) {
      const first = component.reduce((a, b) => (b.index < a.index ? b : a));
      const isCycle = component.length > 1 || first.needs.includes(first);
      if (!isCycle) continue;
      const cycle = shortestCycle(first, new Set(component));
      problems.push({
        path: first.raw.needs === undefined ? first.path : [...first.path, 'needs'],
        message: `steps wait for each other in a cycle: ${cycle.map(label).join(' → ')}`,
        code: 'ATOM_ERR_SPEC_CYCLE',
      });
    }
  }
  return problems;
}

function label(step: StepNode): string {
  return step.id ?? `#${step.index}`;
}

/** Tarjan's algorithm over the needs edges of one scope. */
function stronglyConnected(steps: readonly StepNode[]): StepNode[][] {
  const index = new Map<StepNode, number>();
  const low = new Map<StepNode, number>();
  const stack: StepNode[] = [];
  const onStack = new Set<StepNode>();
  const components: StepNode[][] = [];
  let counter = 0;
  const connect = (step: StepNode): void => {
    index.set(step, counter);
    low.set(step, counter);
    counter++;
    stack.push(step);
    onStack.add(step);
    for (const need of step.needs) {
      if (!index.has(need)) {
        connect(need);
        low.set(step, Math.min(low.get(step)!, low.get(need)!));
      } else if (onStack.has(need)) {
        low.set(step, Math.min(low.get(step)!, index.get(need)!));
      }
    }
    if (low.get(step) !== index.get(step)) return;
    const component: StepNode[] = [];
    let member: StepNode | undefined;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== step);
    components.push(component);
  };
  for (const step of steps) if (!index.has(step)) connect(step);
  return components;
}

/** Breadth-first from `start` along needs inside the component, back to `start`. */
function shortestCycle(start: StepNode, members: ReadonlySet<StepNode>): StepNode[] {
  const parent = new Map<StepNode, StepNode>();
  const queue: StepNode[] = [start];
  while (queue.length > 0) {
    const step = queue.shift()!;
    for (const need of step.needs) {
      if (!members.has(need)) continue;
      if (need === start) {
        const chain: StepNode[] = [];
        for (let at = step; at !== start; at = parent.get(at)!) chain.push(at);
        return [start, ...chain.reverse(), start];
      }
      if (!parent.has(need) && need !== start) {
        parent.set(need, step);
        queue.push(need);
      }
    }
  }
  return [start, start];
}
