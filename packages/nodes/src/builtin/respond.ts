import { z } from 'zod';
import { defineNode } from '../kit/define-node.js';
import { headerNameSchema, headerValueSchema } from '../kit/header-schema.js';

/** The run event the engine appends with a `respond` step's output. */
export const RUN_RESPONDED = 'run.responded';

/**
 * `respond`: the HTTP answer of a webhook run. Its output is `{ status, headers, body }`, and the
 * engine appends it as a `run.responded` event, which the webhook server (listening to the engine's
 * events) sends to the waiting caller. Only a run's first answer reaches the caller; later ones are
 * recorded like any step.
 */
export const respondNode = defineNode({
  type: 'respond',
  version: 1,
  copiesInput: true,
  title: 'Respond to the webhook',
  description:
    "Answers the HTTP request that started the run (a webhook trigger with `respond: node`); the run's first respond step wins.",
  input: z.strictObject({
    status: z.int().min(100).max(599).optional().describe('HTTP status code (default 200).'),
    headers: z.record(headerNameSchema, headerValueSchema).optional().describe('Response headers.'),
    body: z.json().optional().describe('Response body, any JSON value (default null).'),
  }),
  outputEvent: RUN_RESPONDED,
  run: async (ctx) => ({
    status: ctx.input.status ?? 200,
    headers: ctx.input.headers ?? {},
    body: ctx.input.body ?? null,
  }),
});
