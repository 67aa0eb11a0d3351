import { z } from 'zod';
import { defineNode } from '../kit/define-node.js';

/** `log`: writes a message to the run's log. */
export const logNode = defineNode({
  type: 'log',
  version: 1,
  copiesInput: true,
  title: 'Log',
  description: "Writes a message (and optional data) to the run's log.",
  input: z.strictObject({
    message: z.string().describe('The text to log.'),
    level: z.enum(['debug', 'info', 'warn', 'error']).default('info').describe('Severity; info by default.'),
    data: z.unknown().optional().describe('Any JSON value logged with the message.'),
  }),
  run: async (ctx) => {
    const { message, level, data } = ctx.input;
    ctx.log(level, message, data);
    return { message, level };
  },
});
