import { z } from 'zod';
import { stepSchema } from './step-model.js';
import { scheduleTriggerSchema, triggerSchema } from './trigger-model.js';
import { workflowSchema } from './workflow-model.js';

/** The `$id` of the published schema. */
export const WORKFLOW_SCHEMA_ID = 'https://atom.dev/schema/workflow-v1.json';

/**
 * The workflow format as a JSON Schema (draft 2020-12), for editors and LLMs. Rules that only the
 * validator knows (unique ids, needs, expressions, node inputs) are not in it; the "exactly one of"
 * rules are, added where zod cannot express them.
 *
 * @example JSON.stringify(workflowJsonSchema(), null, 2) // the content of docs/workflow.schema.json
 */
export function workflowJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(workflowSchema, {
    target: 'draft-2020-12',
    override: (ctx) => {
      if (ctx.zodSchema === stepSchema) ctx.jsonSchema.oneOf = [{ required: ['uses'] }, { required: ['steps'] }];
      if (ctx.zodSchema === scheduleTriggerSchema) {
        ctx.jsonSchema.oneOf = [{ required: ['cron'] }, { required: ['rrule'] }];
      }
      if (ctx.zodSchema === triggerSchema) {
        ctx.jsonSchema.minProperties = 1;
        ctx.jsonSchema.maxProperties = 1;
      }
    },
  }) as Record<string, unknown>;
  const { $schema, ...rest } = schema;
  return { $schema, $id: WORKFLOW_SCHEMA_ID, ...rest };
}
