/**
 * The difference between two workflow documents as a list of changes by path. Arrays of objects
 * that all have an `id` (steps, onFailure, nested groups) are matched by id, so inserting a step
 * reads as one added step, not as every later step changed; other arrays are compared by position.
 *
 * @example
 * diffDocuments({ steps: [{ id: 'a', uses: 'log' }] }, { steps: [{ id: 'a', uses: 'fail' }] })
 * // [{ path: 'steps[id=a].uses', kind: 'changed', before: 'log', after: 'fail' }]
 */
export interface DocumentChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function idOf(value: unknown): string | undefined {
  return isObject(value) && typeof value.id === 'string' ? value.id : undefined;
}

function keyed(items: readonly unknown[]): Map<string, unknown> | undefined {
  const map = new Map<string, unknown>();
  for (const item of items) {
    const id = idOf(item);
    if (id === undefined || map.has(id)) return undefined;
    map.set(id, item);
  }
  return map;
}

function join(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

function walk(before: unknown, after: unknown, path: string, out: DocumentChange[]): void {
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  if (isObject(before) && isObject(after)) {
    for (const key of Object.keys(before)) {
      if (!(key in after)) out.push({ path: join(path, key), kind: 'removed', before: before[key] });
    }
    for (const key of Object.keys(after)) {
      if (!(key in before)) out.push({ path: join(path, key), kind: 'added', after: after[key] });
      else walk(before[key], after[key], join(path, key), out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const a = keyed(before);
    const b = keyed(after);
    if (a && b && (a.size > 0 || b.size > 0)) {
      for (const [id, item] of a)
        if (!b.has(id)) out.push({ path: `${path}[id=${id}]`, kind: 'removed', before: item });
      for (const [id, item] of b) {
        if (!a.has(id)) out.push({ path: `${path}[id=${id}]`, kind: 'added', after: item });
        else walk(a.get(id), item, `${path}[id=${id}]`, out);
      }
      return;
    }
    const length = Math.max(before.length, after.length);
    for (let i = 0; i < length; i++) {
      if (i >= after.length) out.push({ path: `${path}[${i}]`, kind: 'removed', before: before[i] });
      else if (i >= before.length) out.push({ path: `${path}[${i}]`, kind: 'added', after: after[i] });
      else walk(before[i], after[i], `${path}[${i}]`, out);
    }
    return;
  }
  out.push({ path, kind: 'changed', before, after });
}

export function diffDocuments(before: unknown, after: unknown): DocumentChange[] {
  const out: DocumentChange[] = [];
  walk(before, after, '', out);
  return out;
}
