/**
 * JSON values as sent to the database: JSON text in both adapters (SQLite TEXT columns; PostgreSQL
 * `jsonb`, where a JavaScript object would be sent as an array literal by pg). `null` and
 * `undefined` become SQL NULL and read back as `null`; `undefined` properties inside a value vanish.
 * PostgreSQL's jsonb keeps values, not text: object keys come back reordered, and a string holding
 * `\u0000` is refused (jsonb has no NUL character). So that both stores answer alike, neither
 * writes one: ATOM_ERR_VALUE_NUL, with the path inside the value (ADR 0022). The entry points
 * refuse such values first, naming the field; this is the last guard for one they missed.
 */
import { assertNoNul, jsonHoldsNul } from '@atom/spec';

export function toJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const json = JSON.stringify(value) ?? null;
  if (json !== null && jsonHoldsNul(json)) assertNoNul(value, 'a value to be stored');
  return json;
}
