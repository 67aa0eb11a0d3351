/**
 * True when a value contains itself (YAML `a: &x [ *x ]`, or a cyclic object handed to the
 * validator); such a value can be neither validated nor stored as JSON. Shared sub-values (plain
 * aliases) are fine and visited once.
 */
export function refersToItself(value: unknown): boolean {
  const onPath = new Set<object>();
  const done = new Set<object>();
  const visit = (item: unknown): boolean => {
    if (typeof item !== 'object' || item === null || done.has(item)) return false;
    if (onPath.has(item)) return true;
    onPath.add(item);
    const found = Object.values(item).some(visit);
    onPath.delete(item);
    done.add(item);
    return found;
  };
  return visit(value);
}
