import { formatPath } from '../path.js';
import type { Problem } from './problem.js';
import type { StepTree } from './step-tree.js';

/** Step ids are unique across the whole document: groups and `onFailure` included. */
export function checkUniqueIds(tree: StepTree): Problem[] {
  const problems: Problem[] = [];
  for (const step of tree.all) {
    if (step.id === null) continue;
    const first = tree.byId.get(step.id);
    if (first === undefined || first === step) continue;
    problems.push({
      path: [...step.path, 'id'],
      message: `step id "${step.id}" is already used at ${formatPath(first.path)}`,
      code: 'ATOM_ERR_SPEC_DUPLICATE_ID',
    });
  }
  return problems;
}
