/**
 * JSON values sent to `jsonb` columns. They go as JSON text (never as JavaScript objects: pg would
 * turn an array into a PostgreSQL array literal). `null` and `undefined` become SQL NULL, read back
 * as `null`; pg parses `jsonb` on the way out. PostgreSQL's jsonb keeps values, not text: object
 * keys come back reordered, and a string holding `\u0000` is refused (jsonb has no NUL character).
 */
export function toJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value) ?? null;
}
