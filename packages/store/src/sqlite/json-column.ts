/**
 * JSON values in TEXT columns. `null` and `undefined` are stored as SQL NULL and read back as
 * `null`; everything else is `JSON.stringify`'d, so `undefined` properties inside a value vanish.
 */
export function toJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value) ?? null;
}

export function fromJson<T = unknown>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}
