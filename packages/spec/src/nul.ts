/**
 * No NUL character (U+0000) in the values Atom stores: request bodies, workflow documents, run
 * inputs, trigger data, step inputs and outputs, event payloads. PostgreSQL cannot store one (its
 * `jsonb` and `text` have no NUL), SQLite can; so that both stores behave the same, a value holding
 * one is refused where it comes in, with ATOM_ERR_VALUE_NUL and the path of the first string (or
 * object key) that holds it (ADR 0022). The walk is the nesting check's (firstPathWhere).
 */
import { AtomError } from '@atom/errors';
import { firstPathWhere } from './nesting.js';
import { formatPath, type PathSegment } from './path.js';

const NUL = '\u0000';

/**
 * The path of the first string or object key in `value` that holds a NUL character, or null.
 * A key is named by its own path; a value that contains itself is not followed round its cycle.
 *
 * @example nulAt({ a: ['x', 'y\u0000'] }) // ['a', 1]
 */
export function nulAt(value: unknown): PathSegment[] | null {
  if (typeof value === 'string') return value.includes(NUL) ? [] : null;
  if (typeof value !== 'object' || value === null) return null;
  return firstPathWhere(
    value,
    (child, key) => key?.includes(NUL) === true || (typeof child === 'string' && child.includes(NUL)),
  );
}

/**
 * True when JSON text (as JSON.stringify writes it) holds an escaped NUL: `\u0000` preceded by an
 * even number of backslashes (an odd number makes it the text `\u0000`, which is fine).
 */
export function jsonHoldsNul(json: string): boolean {
  let from = json.indexOf('\\u0000');
  while (from >= 0) {
    let slashes = 0;
    while (json[from - 1 - slashes] === '\\') slashes++;
    if (slashes % 2 === 0) return true;
    from = json.indexOf('\\u0000', from + 1);
  }
  return false;
}

/** The error for a NUL character at `path` in `what` (`the run inputs`, `the output of step x`). */
export function nulError(what: string, path: string): AtomError {
  return new AtomError(
    'ATOM_ERR_VALUE_NUL',
    `a NUL character (\\u0000) in ${what}, at ${path || 'the top'}: Atom stores none (PostgreSQL cannot)`,
    { details: [{ path, message: 'a NUL character (\\u0000) is not allowed' }] },
  );
}

/**
 * Throws ATOM_ERR_VALUE_NUL when a string or key of `value` holds a NUL character; `what` names
 * the value in the message and `base` starts the path (`body`, `inputs`, `output`).
 */
export function assertNoNul(value: unknown, what: string, base: readonly PathSegment[] = []): void {
  const at = nulAt(value);
  if (at !== null) throw nulError(what, formatPath([...base, ...at]));
}
