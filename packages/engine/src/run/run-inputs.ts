/** Checks a run's inputs against the workflow's `inputs` schema before anything is stored. */
import { AtomError } from '@atom/errors';
import { type CompiledWorkflow, checkInput, formatPath } from '@atom/spec';

export function validateRunInputs(wf: CompiledWorkflow, inputs: unknown): void {
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    throw new AtomError('ATOM_ERR_RUN_INPUT_INVALID', `inputs of ${wf.name} must be an object`);
  }
  if (!wf.inputs) return;
  const issues = checkInput(inputs, wf.inputs);
  if (issues.length === 0) return;
  throw new AtomError('ATOM_ERR_RUN_INPUT_INVALID', `inputs do not match the inputs schema of ${wf.name}`, {
    details: issues.map((issue) => ({ path: formatPath(['inputs', ...issue.path]), message: issue.message })),
  });
}
