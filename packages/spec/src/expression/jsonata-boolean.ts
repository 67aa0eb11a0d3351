/**
 * JSONata's `$boolean` cast: empty strings, 0, null, empty arrays and objects, and functions are
 * false; an array is true when any item is.
 *
 * @example jsonataBoolean([0, '']) // false
 */
export function jsonataBoolean(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) {
    if (value.length === 1) return jsonataBoolean(value[0]);
    return value.some((item) => jsonataBoolean(item));
  }
  switch (typeof value) {
    case 'string':
      return value.length > 0;
    case 'number':
      return value !== 0;
    case 'boolean':
      return value;
    case 'object':
      return Object.keys(value).length > 0;
    default:
      return false;
  }
}
