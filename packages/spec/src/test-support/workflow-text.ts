import { validateWorkflow } from '../validate/validate-workflow.js';
import { testCatalog } from './test-catalog.js';

/** A document around the given YAML lines (indented two spaces, as list items of `steps`). */
export function workflowText(steps: string, extra = ''): string {
  return `atom: 1\nname: test-flow\nsteps:\n${steps.trim().replace(/^/gm, '  ')}\n${extra}`;
}

/** Validates with the test catalog. */
export function validate(input: unknown, maxSteps?: number) {
  return validateWorkflow(input, { catalog: testCatalog, ...(maxSteps === undefined ? {} : { maxSteps }) });
}

/** `path code` of each error, for compact assertions. */
export function errorKeys(input: unknown): string[] {
  return validate(input).errors.map((error) => `${error.path} ${error.code}`);
}
