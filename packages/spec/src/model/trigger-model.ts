import { z } from 'zod';
import { durationSchema } from './duration-schema.js';
import { WEBHOOK_PATH_PATTERN } from './patterns.js';

const CRON_MACRO = /^@(yearly|annually|monthly|weekly|daily|hourly)$/;
const CRON_FIELD = /^[0-9A-Za-z*/,?#LW-]+$/;

/** A light check: the scheduler parses the expression for real; this catches typos early. */
function isCronLike(text: string): boolean {
  const fields = text.trim().split(/\s+/);
  if (fields.length === 1) return CRON_MACRO.test(fields[0] as string);
  return (fields.length === 5 || fields.length === 6) && fields.every((field) => CRON_FIELD.test(field));
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const webhookTriggerSchema = z
  .strictObject({
    path: z
      .string()
      .regex(new RegExp(WEBHOOK_PATH_PATTERN), {
        error: 'expected a path such as `github-issues` or `orders/new` (no leading /, no empty, . or .. segment)',
      })
      .describe('Served at `/hooks/<path>`.'),
    method: z
      .enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
      .optional()
      .describe('Only this HTTP method starts a run; any method when absent.'),
    verify: z
      .strictObject({
        scheme: z.enum(['github', 'stripe', 'standard-webhooks', 'hmac']).describe('Signature scheme of the sender.'),
        secret: z.string().min(1).describe('Signing secret, usually `{{ $secrets.NAME }}`.'),
        header: z.string().min(1).optional().describe('Header holding the signature (for `hmac`).'),
        tolerance: durationSchema.optional().describe('Replay window for timestamped signatures (default 5m).'),
      })
      .optional()
      .describe('Refuse requests whose signature does not verify.'),
    respond: z
      .enum(['accepted', 'node'])
      .optional()
      .describe("`accepted` (default): answer 202 `{ runId }` at once; `node`: answer with the run's `respond` step."),
    timeout: durationSchema
      .optional()
      .describe('With `respond: node`, how long the request waits for the answer before 202 `{ runId }`.'),
  })
  .describe('Starts a run on an HTTP request to `/hooks/<path>`.');

export const scheduleTriggerSchema = z
  .strictObject({
    cron: z
      .string()
      .refine(isCronLike, { error: 'expected a cron expression of 5 or 6 fields, e.g. `0 9 * * 1-5`' })
      .optional()
      .describe('Cron expression (5 fields, or 6 with seconds first). Exclusive with `rrule`.'),
    rrule: z
      .string()
      .regex(/(^|[;:\n])FREQ=[A-Z]+/, { error: 'expected an RFC 5545 rule such as `FREQ=WEEKLY;BYDAY=MO`' })
      .optional()
      .describe('RFC 5545 recurrence rule. Exclusive with `cron`.'),
    timezone: z
      .string()
      .refine(isTimeZone, { error: 'expected an IANA time zone such as `Europe/Paris` or `UTC`' })
      .optional()
      .describe('IANA time zone the schedule is read in (default UTC).'),
    catchUp: z
      .enum(['none', 'last', 'all'])
      .optional()
      .describe('Fire times missed while Atom was down: skip them (`none`), run the `last` (default), or `all`.'),
  })
  .superRefine((schedule, ctx) => {
    if ((schedule.cron === undefined) === (schedule.rrule === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a schedule has exactly one of `cron` or `rrule`' });
    }
  })
  .describe('Starts a run at fire times; each fire time runs once across all processes.');

export const eventTriggerSchema = z
  .strictObject({
    name: z.string().min(1).describe('Event name, e.g. `run.failed` or one raised by `POST /api/v1/events`.'),
    if: z.string().optional().describe('Expression over `$event`; the run starts only when it is true.'),
  })
  .describe('Starts a run when an event is raised.');

/** One trigger: an object with exactly one of `webhook`, `schedule`, `event`. */
export const triggerSchema = z
  .strictObject({
    webhook: webhookTriggerSchema.optional(),
    schedule: scheduleTriggerSchema.optional(),
    event: eventTriggerSchema.optional(),
  })
  .superRefine((trigger, ctx) => {
    const kinds = [trigger.webhook, trigger.schedule, trigger.event].filter((kind) => kind !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'a trigger has exactly one of `webhook`, `schedule` or `event`' });
    }
  })
  .meta({ id: 'Trigger', description: 'What starts a run besides a manual or API call.' });

export type TriggerDocument = z.infer<typeof triggerSchema>;
export type WebhookTriggerDocument = z.infer<typeof webhookTriggerSchema>;
export type ScheduleTriggerDocument = z.infer<typeof scheduleTriggerSchema>;
export type EventTriggerDocument = z.infer<typeof eventTriggerSchema>;
