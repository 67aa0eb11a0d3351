import { z } from 'zod';

/** Why `value` is not JSON, or null when it is. Iterative, so deep values cannot overflow the stack. */
export function jsonProblem(value: unknown): string | null {
  const pending: unknown[] = [value];
  const seen = new Set<unknown>();
  while (pending.length > 0) {
    const item = pending.pop();
    // undefined is what an absent key reads as; JSON.stringify drops it, so it is not an error.
    if (item === undefined || item === null || typeof item === 'string' || typeof item === 'boolean') continue;
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) return `${item} is not a JSON number`;
      continue;
    }
    if (typeof item !== 'object') return `a ${typeof item} is not a JSON value`;
    if (seen.has(item)) return 'the value refers to itself';
    seen.add(item);
    if (Array.isArray(item)) pending.push(...item);
    else if (isPlainObject(item)) pending.push(...Object.values(item));
    else return `a ${(item as { constructor?: { name?: string } }).constructor?.name ?? 'object'} is not a JSON value`;
  }
  return null;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Any JSON value. Written as a refinement of `unknown` rather than `z.json()` so that the JSON Schema
 * says `{}` (any value) and the error names what is wrong.
 */
export const jsonValueSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    const problem = jsonProblem(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('Any JSON value. Strings may hold `{{ }}` expressions.');

/** An object of JSON values. */
export const jsonObjectSchema = z.record(z.string(), jsonValueSchema);
