import { AtomError } from '@atom/errors';
import { z } from 'zod';
import { defineNode } from '../kit/define-node.js';
import { suspend } from '../kit/suspend.js';
import { unexpectedResume } from './unexpected-resume.js';

/** `workflow.call`: starts a child run and waits for it; its outputs are the step's output. */
export const workflowCallNode = defineNode({
  type: 'workflow.call',
  version: 1,
  title: 'Call a workflow',
  description: "Runs another workflow as a child run, waits for it, and outputs the child's outputs.",
  input: z.strictObject({
    workflow: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'Expected a workflow name: lower-case letters, digits and dashes')
      .describe('Name of the workflow to run.'),
    version: z.int().positive().optional().describe('Version to run; the current version when omitted.'),
    inputs: z.record(z.string(), z.unknown()).optional().describe("The child run's inputs."),
  }),
  run: async (ctx) => {
    const { workflow, version, inputs } = ctx.input;
    const resume = ctx.resume;
    if (!resume) return suspend({ kind: 'child', workflow, version: version ?? null, inputs: inputs ?? {} });
    if (resume.reason !== 'child') throw unexpectedResume('workflow.call', resume);
    if (resume.status === 'succeeded') return resume.outputs;
    const why = resume.error?.message ?? (resume.status === 'cancelled' ? 'it was cancelled' : 'no error was recorded');
    throw new AtomError(
      'ATOM_ERR_CHILD_RUN_FAILED',
      `child run ${resume.runId} of "${workflow}" ${resume.status}: ${why}`,
      {
        retryable: false,
        data: { runId: resume.runId, error: resume.error },
      },
    );
  },
});
