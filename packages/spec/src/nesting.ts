/**
 * The one nesting-depth limit for values Atom reads (request bodies, workflow documents, `with`
 * values, run inputs, trigger data, step outputs): `ATOM_MAX_NESTING`, 64 by default. Deeper values
 * would overflow the stack of recursive code further on (JSON.stringify, validators, JSONata), so
 * they are refused where they come in, with ATOM_ERR_VALUE_TOO_DEEP and the path where the limit
 * was crossed. The walk is iterative: it cannot overflow itself, whatever the depth.
 */
import { AtomError } from '@atom/errors';
import { formatPath, type PathSegment } from './path.js';

export const DEFAULT_MAX_NESTING = 64;

/** One open array or object of the walk. */
interface Frame {
  value: object;
  /** Own keys of an object; null for an array (visited by index). */
  keys: string[] | null;
  next: number;
}

/**
 * Walks the arrays and objects in `value` depth first, iteratively (it cannot overflow, whatever
 * the depth), skipping a member that leads back round a cycle, and returns the path of the first member for
 * which `found(child, key, depth)` is true, or null. `key` is the member's object key (null in an
 * array); `depth` is how many arrays and objects enclose it. The nesting and NUL checks share it.
 */
export function firstPathWhere(
  value: object,
  found: (child: unknown, key: string | null, depth: number) => boolean,
): PathSegment[] | null {
  const onPath = new Set<object>([value]);
  const stack: Frame[] = [frameOf(value)];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const size = frame.keys === null ? (frame.value as unknown[]).length : frame.keys.length;
    if (frame.next >= size) {
      onPath.delete(frame.value);
      stack.pop();
      continue;
    }
    const index = frame.next++;
    const key = frame.keys === null ? null : (frame.keys[index] as string);
    const child = key === null ? (frame.value as unknown[])[index] : (frame.value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && onPath.has(child)) continue;
    if (found(child, key, stack.length)) return stack.map((open) => keyAt(open, open.next - 1));
    if (typeof child !== 'object' || child === null) continue;
    onPath.add(child);
    stack.push(frameOf(child));
  }
  return null;
}

/**
 * The path of the first array or object nested more than `max` levels deep in `value` (the value
 * itself, when it is an array or object, is level 1), or null when there is none. A value that
 * contains itself is not followed round its cycle (refersToItself reports those).
 *
 * @example tooDeepAt({ a: [[1]] }, 2) // ['a', 0]: the array [1] is a third level
 */
export function tooDeepAt(value: unknown, max: number): PathSegment[] | null {
  if (typeof value !== 'object' || value === null) return null;
  return firstPathWhere(value, (child, _key, depth) => typeof child === 'object' && child !== null && depth >= max);
}

function frameOf(value: object): Frame {
  return { value, keys: Array.isArray(value) ? null : Object.keys(value), next: 0 };
}

function keyAt(frame: Frame, index: number): PathSegment {
  return frame.keys === null ? index : (frame.keys[index] as string);
}

/**
 * Throws ATOM_ERR_VALUE_TOO_DEEP when `value` nests deeper than `max`; `what` names the value in
 * the message and starts the path (`inputs`, `body`, `step fetch output`).
 */
export function assertNesting(value: unknown, max: number, what: string, base: readonly PathSegment[] = []): void {
  const at = tooDeepAt(value, max);
  if (at === null) return;
  const path = formatPath([...base, ...at]);
  throw new AtomError(
    'ATOM_ERR_VALUE_TOO_DEEP',
    `${what} nests deeper than ${max} levels (at ${path || 'the top'}); ATOM_MAX_NESTING sets the limit`,
    { details: [{ path, message: `nested deeper than ${max} levels` }], data: { limit: max } },
  );
}
