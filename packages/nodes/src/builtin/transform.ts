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
  run: async (ctx) => ctx.input,
});
