/**
 * The steps of a document as a tree of scopes, built from the raw value without trusting it: the
 * checks run on it even when the schema failed, so that one validation reports every problem.
 */
import { isPlainObject } from '../model/json-value-schema.js';
import type { PathSegment } from '../path.js';

export interface ScopeNode {
  /** The group step owning the scope; null for the top level and for `onFailure`. */
  readonly owner: StepNode | null;
  readonly inOnFailure: boolean;
  readonly steps: StepNode[];
}

export interface StepNode {
  /** The `id` when it is a string (even a malformed one, to avoid follow-up errors); else null. */
  readonly id: string | null;
  readonly raw: Record<string, unknown>;
  readonly path: PathSegment[];
  readonly scope: ScopeNode;
  /** Position among the steps of its scope. */
  readonly index: number;
  /** Enclosing group steps, outermost first. */
  readonly ancestors: readonly StepNode[];
  children: ScopeNode | null;
  /** Resolved by `resolveNeeds`: explicit needs, else the previous step, else none. */
  needs: StepNode[];
}

export interface StepTree {
  readonly root: ScopeNode;
  readonly onFailure: ScopeNode | null;
  /** Document order, depth first. */
  readonly all: StepNode[];
  /** First step of each id. */
  readonly byId: Map<string, StepNode>;
}

export function buildStepTree(document: unknown): StepTree {
  const doc = isPlainObject(document) ? document : {};
  const all: StepNode[] = [];
  const root = buildScope(doc.steps, ['steps'], null, [], false, all);
  const onFailure = Array.isArray(doc.onFailure) ? buildScope(doc.onFailure, ['onFailure'], null, [], true, all) : null;
  const byId = new Map<string, StepNode>();
  for (const step of all) if (step.id !== null && !byId.has(step.id)) byId.set(step.id, step);
  return { root, onFailure, all, byId };
}

function buildScope(
  list: unknown,
  path: PathSegment[],
  owner: StepNode | null,
  ancestors: readonly StepNode[],
  inOnFailure: boolean,
  all: StepNode[],
): ScopeNode {
  const scope: ScopeNode = { owner, inOnFailure, steps: [] };
  if (!Array.isArray(list)) return scope;
  list.forEach((raw, rawIndex) => {
    if (!isPlainObject(raw)) return;
    const step: StepNode = {
      id: typeof raw.id === 'string' ? raw.id : null,
      raw,
      path: [...path, rawIndex],
      scope,
      index: scope.steps.length,
      ancestors,
      children: null,
      needs: [],
    };
    scope.steps.push(step);
    all.push(step);
    if (Array.isArray(raw.steps)) {
      step.children = buildScope(raw.steps, [...step.path, 'steps'], step, [...ancestors, step], inOnFailure, all);
    }
  });
  return scope;
}

/** Every scope of the tree, the top level first. */
export function allScopes(tree: StepTree): ScopeNode[] {
  const scopes = [tree.root, ...(tree.onFailure ? [tree.onFailure] : [])];
  for (const step of tree.all) if (step.children) scopes.push(step.children);
  return scopes;
}
