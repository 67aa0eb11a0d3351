/**
 * JSON values read back from TEXT columns (written with `toJson`, shared/json-text.ts): SQL NULL
 * reads as `null`, anything else is parsed.
 */
export function fromJson<T = unknown>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/**
 * Parses the JSON `fields` of a row selected with aliased columns (shared/columns.ts), in place:
 * the row becomes the record, with no second object per row.
 */
export function decodeJson<T>(row: object, fields: readonly string[]): T {
  const target = row as Record<string, unknown>;
  for (const field of fields) target[field] = fromJson(target[field] as string | null);
  return row as T;
}
