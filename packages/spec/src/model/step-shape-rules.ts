import type { z } from 'zod';
import { isPlainObject } from './json-value-schema.js';

/** Fields that only make sense for a node, refused on a group of `steps`. */
const NODE_ONLY_FIELDS = ['with', 'connection', 'compensate', 'cache', 'retry'] as const;

type Ctx = z.core.$RefinementCtx<unknown>;

/**
 * Adds an issue for every step that has neither or both of `uses` / `steps`, and for node fields on
 * a group. Reads the value as `unknown`: it also runs when other fields are wrong, so that one
 * validation reports every problem.
 */
export function addStepShapeIssues(workflow: unknown, ctx: Ctx): void {
  if (!isPlainObject(workflow)) return;
  const pending: { list: unknown; path: (string | number)[] }[] = [
    { list: workflow.steps, path: ['steps'] },
    { list: workflow.onFailure, path: ['onFailure'] },
  ];
  const seen = new Set<unknown>();
  while (pending.length > 0) {
    const { list, path } = pending.pop()!;
    if (!Array.isArray(list) || seen.has(list)) continue;
    seen.add(list);
    list.forEach((step, index) => {
      if (!isPlainObject(step)) return;
      const stepPath = [...path, index];
      checkStep(step, stepPath, ctx);
      pending.push({ list: step.steps, path: [...stepPath, 'steps'] });
    });
  }
}

function checkStep(step: Record<string, unknown>, path: (string | number)[], ctx: Ctx): void {
  const isGroup = step.steps !== undefined;
  if (step.uses === undefined && !isGroup) {
    ctx.addIssue({ code: 'custom', path, message: 'a step needs either `uses` (a node type) or `steps` (a group)' });
  }
  if (step.uses !== undefined && isGroup) {
    ctx.addIssue({ code: 'custom', path: [...path, 'steps'], message: 'a step has `uses` or `steps`, not both' });
  }
  if (!isGroup) return;
  for (const field of NODE_ONLY_FIELDS) {
    if (step[field] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, field],
        message: `\`${field}\` applies to a node; a group of steps has none`,
      });
    }
  }
}
