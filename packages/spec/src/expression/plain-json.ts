/**
 * A JSON copy of an expression result or a constant: JSONata sequences become plain arrays,
 * functions and undefined disappear (null inside arrays), as `JSON.stringify` would have them. The
 * copy also keeps callers from mutating the document or another step's output.
 */
export function toPlainJson(value: unknown): unknown {
  if (typeof value === 'function') return undefined;
  if (Array.isArray(value)) return value.map((item) => toPlainJson(item) ?? null);
  if (typeof value !== 'object' || value === null) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const entries: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    const plain = toPlainJson(item);
    if (plain !== undefined) entries.push([key, plain]);
  }
  // fromEntries defines own properties, so a "__proto__" key stays a key.
  return Object.fromEntries(entries);
}
