/**
 * JSON values as sent to the database: JSON text in both adapters (SQLite TEXT columns; PostgreSQL
 * `jsonb`, where a JavaScript object would be sent as an array literal by pg). `null` and
 * `undefined` become SQL NULL and read back as `null`; `undefined` properties inside a value vanish.
 * PostgreSQL's jsonb keeps values, not text: object keys come back reordered, and a string holding
 * `\u0000` is refused (jsonb has no NUL character).
 */
export function toJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value) ?? null;
}
