import { z } from 'zod';
import { defineNode } from '../kit/define-node.js';

/** `transform`: its output is its `with`, which the engine has already evaluated. */
export const transformNode = defineNode({
  type: 'transform',
  version: 1,
  copiesInput: true,
  title: 'Transform',
  description: 'Builds a value from expressions: the output is the evaluated `with` object.',
  input: z.looseObject({}),
  // Pure: the engine may run it inside the commit that makes it startable (ADR 0012).
  local: true,
  run: async (ctx) => ctx.input,
});
