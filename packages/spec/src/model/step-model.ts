import { z } from 'zod';
import { durationSchema } from './duration-schema.js';
import { jsonObjectSchema, jsonValueSchema } from './json-value-schema.js';
import { NODE_TYPE_PATTERN, STEP_ID_PATTERN } from './patterns.js';
import { retrySchema } from './retry-model.js';

const nodeTypeSchema = z
  .string()
  .regex(new RegExp(NODE_TYPE_PATTERN), { error: 'expected a node type such as `transform` or `http.request`' });

const expressionString = z.string();

const compensateSchema = z
  .strictObject({
    uses: nodeTypeSchema.describe('Node type that undoes the step.'),
    with: jsonObjectSchema.optional().describe('Inputs of the compensating node; may read `$steps.<this step>`.'),
    connection: z.string().min(1).optional().describe('Connection the compensating node uses.'),
  })
  .describe("Undoes the step's effect when the run fails later; compensations run in reverse completion order.");

const cacheSchema = z
  .union([
    z.literal(true),
    z.strictObject({
      ttl: durationSchema.optional().describe('How long a stored output is reused (default 1h).'),
      key: expressionString.optional().describe('Cache key; by default node type, connection and resolved inputs.'),
    }),
  ])
  .describe('Reuse a stored output for the same inputs (or `key`) within `ttl`. `true` means ttl 1h.');

/**
 * One step: a node (`uses`) or a group (`steps`). Recursive through `steps`; the getter lets zod
 * build the cycle lazily. "Exactly one of `uses` / `steps`" lives in `step-shape-rules.ts`, checked
 * from the workflow: a refinement chained here would break TypeScript's inference of the cycle.
 */
export const stepSchema = z
  .strictObject({
    id: z
      .string()
      .regex(new RegExp(STEP_ID_PATTERN), {
        error: 'expected a step id of letters, digits and _, not starting with a digit (it is read as $steps.<id>)',
      })
      .describe('Unique in the whole document; read in expressions as `$steps.<id>`.'),
    name: z.string().optional().describe('Display name, for people.'),
    description: z.string().optional().describe('What the step is for, for people.'),
    uses: nodeTypeSchema.optional().describe('Node type this step runs, `namespace.action`. Exclusive with `steps`.'),
    get steps() {
      return z
        .array(stepSchema)
        .min(1)
        .optional()
        .describe('A group: inner steps run in their own scope. Exclusive with `uses`.');
    },
    with: jsonObjectSchema.optional().describe('Inputs of the node; strings may hold `{{ }}` expressions.'),
    needs: z
      .array(z.string())
      .optional()
      .describe('Steps of the same list this step waits for. Absent: the step before it. `[]`: starts at once.'),
    if: expressionString.optional().describe('Expression; when false the step is skipped.'),
    foreach: z
      .union([expressionString, z.array(jsonValueSchema)])
      .optional()
      .describe('Runs the step once per item (`$item`, `$index`): an expression yielding an array, or an array.'),
    concurrency: z.number().int().min(1).optional().describe('Parallel iterations of `foreach` (default 10).'),
    connection: z.string().min(1).optional().describe('Name of the connection (credentials) the node uses.'),
    retry: retrySchema.optional().describe('Retry policy, merged over `defaults.retry`.'),
    timeout: durationSchema.optional().describe('Time limit of one attempt (default `defaults.timeout`, else 5m).'),
    onError: z
      .enum(['fail', 'continue'])
      .optional()
      .describe('`fail` (default) fails the run; `continue` lets steps that need this one run.'),
    compensate: compensateSchema.optional(),
    cache: cacheSchema.optional(),
    output: expressionString
      .optional()
      .describe("Expression reshaping the result; `$output` is the node's raw output."),
  })
  .meta({ id: 'Step', description: 'A step: a node (`uses`) or a group of steps (`steps`).' });

export type StepDocument = z.infer<typeof stepSchema>;
