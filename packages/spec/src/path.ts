/** One step of a path into a document: an object key or an array index. */
export type PathSegment = string | number;

/** Keys printed after a dot; anything else is printed as `["…"]`. */
const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/**
 * Appends one segment to a printed path.
 *
 * @example appendPath('steps[2].with', 'url') // 'steps[2].with.url'
 */
export function appendPath(base: string, segment: PathSegment): string {
  if (typeof segment === 'number') return `${base}[${segment}]`;
  if (!PLAIN_KEY.test(segment)) return `${base}[${JSON.stringify(segment)}]`;
  return base === '' ? segment : `${base}.${segment}`;
}

/**
 * Prints a path the way error details show it.
 *
 * @example formatPath(['steps', 0, 'steps', 1, 'needs', 0]) // 'steps[0].steps[1].needs[0]'
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let text = '';
  for (const segment of segments) text = appendPath(text, segment);
  return text;
}

/**
 * Reads back a path printed by `formatPath`; the inverse, so details can be located in the source.
 *
 * @example parsePath('with.headers["Content Type"]') // ['with', 'headers', 'Content Type']
 */
export function parsePath(text: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const token = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([A-Za-z0-9_$-]+)/y;
  let match = token.exec(text);
  while (match !== null) {
    if (match[1] !== undefined) segments.push(Number(match[1]));
    else if (match[2] !== undefined) segments.push(JSON.parse(match[2]) as string);
    else segments.push(match[3] as string);
    if (token.lastIndex >= text.length) break;
    match = token.exec(text);
  }
  return segments;
}
