import { z } from 'zod';
import { durationSchema } from './duration-schema.js';
import { jsonObjectSchema } from './json-value-schema.js';
import { WORKFLOW_NAME_PATTERN } from './patterns.js';
import { retrySchema } from './retry-model.js';
import { stepSchema } from './step-model.js';
import { addStepShapeIssues } from './step-shape-rules.js';
import { triggerSchema } from './trigger-model.js';

/**
 * The workflow format, version 1 (DESIGN §3): what a person writes in YAML, the Studio draws or an
 * LLM generates. Unknown fields are errors everywhere, so a typo never passes silently.
 *
 * @example workflowSchema.safeParse({ atom: 1, name: 'hello', steps: [{ id: 'a', uses: 'log' }] }).success // true
 */
export const workflowSchema = z
  .strictObject({
    atom: z.literal(1).describe('Format version; always 1.'),
    name: z
      .string()
      .regex(new RegExp(WORKFLOW_NAME_PATTERN), {
        error: 'expected a name of lowercase letters, digits and -, starting with a letter or digit',
      })
      .describe('Unique in a workspace.'),
    description: z.string().optional().describe('What the workflow does, for people.'),
    inputs: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('JSON Schema of the run input (manual and API runs), read as `$inputs`.'),
    triggers: z.array(triggerSchema).optional().describe('What starts a run besides a manual or API call.'),
    defaults: z
      .strictObject({
        retry: retrySchema.optional().describe('Retry policy of every step that does not set its own field.'),
        timeout: durationSchema.optional().describe('Time limit of every step that sets none (default 5m).'),
      })
      .optional()
      .describe('Defaults for every step.'),
    concurrency: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Most runs of this workflow running (or waiting) at once; further runs stay queued until one ends.'),
    priority: z
      .number()
      .int()
      .min(-1000)
      .max(1000)
      .optional()
      .describe('Claim order of its runs against other runs (higher first, default 0); a run start may override it.'),
    steps: z.array(stepSchema).min(1).describe('The steps; without `needs` each runs after the one before it.'),
    onFailure: z
      .array(stepSchema)
      .optional()
      .describe('Steps run after the run failed and its compensations ran; they may read any top-level step.'),
    outputs: jsonObjectSchema.optional().describe('Result of the run; may read any top-level step.'),
  })
  // `when`: run even when other fields failed, so that one validation reports every problem.
  .superRefine((workflow, ctx) => addStepShapeIssues(workflow, ctx), { when: () => true })
  .meta({ title: 'Atom workflow', description: 'An Atom workflow document, format version 1.' });

export type WorkflowDocument = z.infer<typeof workflowSchema>;
