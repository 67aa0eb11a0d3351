/**
 * Step instance keys. A key names one execution of a step inside a run:
 * `a` (top level), `grp.b` (inside group `grp`), `loop[2]` (iteration 2 of foreach `loop`),
 * `loop[2].b` (step `b` of iteration 2 of a foreach over a group). The idempotency key handed
 * to nodes is `<runId>/<key>`, stable across attempts and crashes.
 */

export const ROOT_SCOPE = '';
export const COMPENSATE_SCOPE = '$compensate';
export const ON_FAILURE_SCOPE = '$onFailure';

export function childKey(scopeKey: string, stepId: string): string {
  return scopeKey === ROOT_SCOPE || scopeKey === ON_FAILURE_SCOPE ? stepId : `${scopeKey}.${stepId}`;
}

export function iterationKey(containerKey: string, index: number): string {
  return `${containerKey}[${index}]`;
}

export function compensationKey(position: number): string {
  return `${COMPENSATE_SCOPE}[${position}]`;
}

/**
 * The container instances a key lies in, outermost first, each as `[containerStepId, instanceKey]`.
 * `loop[2].grp.b` → [['loop', 'loop[2]'], ['grp', 'loop[2].grp']].
 */
export function enclosingInstances(key: string): Array<[string, string]> {
  const segments = key.split('.');
  const out: Array<[string, string]> = [];
  let prefix = '';
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i] as string;
    prefix = prefix === '' ? segment : `${prefix}.${segment}`;
    out.push([segment.replace(/\[\d+\]$/, ''), prefix]);
  }
  return out;
}

/**
 * The key of step `targetId` (whose enclosing containers are `targetAncestors`) as seen from the
 * instance `fromKey`: inside the same iteration when they share a foreach.
 */
export function resolveKey(fromKey: string, targetId: string, targetAncestors: readonly string[]): string {
  if (targetAncestors.length === 0) return targetId;
  const instances = new Map(enclosingInstances(`${fromKey}.x`));
  const owner = targetAncestors[targetAncestors.length - 1] as string;
  const ownerKey = instances.get(owner);
  if (ownerKey !== undefined) return `${ownerKey}.${targetId}`;
  // Not inside the owner's instance (the validator forbids such reads); fall back to the plain path.
  return [...targetAncestors, targetId].join('.');
}

/** The iteration instance key nearest to `key` (itself included), if any. */
export function nearestIteration(key: string): string | undefined {
  const segments = key.split('.');
  for (let i = segments.length; i > 0; i--) {
    if (/\[\d+\]$/.test(segments[i - 1] as string)) return segments.slice(0, i).join('.');
  }
  return undefined;
}
