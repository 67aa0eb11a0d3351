/**
 * The editor's model: the YAML text is the truth, and every visual edit (add, connect, disconnect,
 * delete, rename a step, change a field) is applied to a `yaml` Document parsed from it, so the
 * comments and layout of everything else the user wrote survive. Pure functions, no React.
 *
 * Edges are the steps' effective `needs`: a step without `needs` follows the step before it (an
 * implicit edge, drawn dashed); `needs: [...]` lists its edges; `needs: []` starts at once.
 */
import { type Document, isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';

export interface StepView {
  index: number;
  id: string;
  uses: string | null;
  name: string | null;
  /** A group (`steps:`) with this many inner steps, or null. */
  groupSize: number | null;
  hasIf: boolean;
  /** The effective needs. */
  needs: string[];
  /** False when the needs come from the order (no `needs` field). */
  explicitNeeds: boolean;
  raw: Record<string, unknown>;
}

export interface Parsed {
  doc: Document | null;
  value: Record<string, unknown> | null;
  steps: StepView[];
  /** The YAML syntax error, when the text does not parse. */
  syntaxError: string | null;
}

export function parseWorkflow(text: string): Parsed {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    return { doc: null, value: null, steps: [], syntaxError: doc.errors[0]?.message ?? 'unreadable YAML' };
  }
  const value = doc.toJS() as unknown;
  const object = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  return { doc, value: object, steps: stepsOf(object), syntaxError: null };
}

/** The steps of a workflow document (already parsed: a stored version's `document`). */
export function stepsOf(value: Record<string, unknown>): StepView[] {
  const list = Array.isArray(value.steps) ? value.steps : [];
  const views: StepView[] = [];
  list.forEach((item, index) => {
    const raw = item && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : {};
    const id = typeof raw.id === 'string' ? raw.id : `#${index + 1}`;
    const explicit = Array.isArray(raw.needs);
    const previous = views[index - 1];
    views.push({
      index,
      id,
      uses: typeof raw.uses === 'string' ? raw.uses : null,
      name: typeof raw.name === 'string' ? raw.name : null,
      groupSize: Array.isArray(raw.steps) ? raw.steps.length : null,
      hasIf: typeof raw.if === 'string',
      needs: explicit
        ? (raw.needs as unknown[]).filter((n): n is string => typeof n === 'string')
        : previous
          ? [previous.id]
          : [],
      explicitNeeds: explicit,
      raw,
    });
  });
  return views;
}

/** A new, empty workflow. */
export function newWorkflowText(name: string): string {
  return `atom: 1\nname: ${name}\ndescription: ""\nsteps: []\n`;
}

type Edit = (doc: Document, steps: StepView[]) => void;

/** Applies an edit to the text's document and prints it again; the text unchanged when it does not parse. */
export function edit(text: string, change: Edit): string {
  const parsed = parseWorkflow(text);
  if (!parsed.doc) return text;
  change(parsed.doc, parsed.steps);
  return parsed.doc.toString({ lineWidth: 0 });
}

function stepsNode(doc: Document): YAMLSeq {
  const node = doc.get('steps', true);
  if (isSeq(node) && !node.flow) return node;
  // Absent or `[]` (flow style): a block list, one step per entry, reads better.
  const items = isSeq(node) ? (node.toJSON() as unknown[]) : [];
  const seq = doc.createNode(items) as YAMLSeq;
  seq.flow = false;
  doc.set('steps', seq);
  return seq;
}

function setNeeds(doc: Document, index: number, needs: string[]): void {
  const list = doc.createNode(needs) as YAMLSeq;
  list.flow = true;
  doc.setIn(['steps', index, 'needs'], list);
}

/** An id not used yet, from the node type: `http.request` → `http_request`, `http_request_2`, … */
export function freshId(uses: string, steps: StepView[]): string {
  const base = uses.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([0-9])/, '_$1') || 'step';
  const taken = new Set(steps.map((s) => s.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}

/** Adds a step of `uses` at the end; after `after` (an explicit need) or, without it, after the last step. */
export function addStep(
  text: string,
  uses: string,
  options: { after?: string | null; with?: Record<string, unknown> } = {},
): { text: string; id: string } {
  let id = '';
  const next = edit(text, (doc, steps) => {
    id = freshId(uses, steps);
    const step: Record<string, unknown> = { id, uses, with: options.with ?? {} };
    const last = steps.at(-1);
    if (options.after && options.after !== last?.id) step.needs = [options.after];
    const node = doc.createNode(step) as YAMLMap;
    const needs = node.get('needs', true);
    if (isSeq(needs)) needs.flow = true;
    const withNode = node.get('with', true);
    if (isMap(withNode) && withNode.items.length === 0) withNode.flow = true;
    stepsNode(doc).add(node);
  });
  return { text: next, id };
}

/** Makes `target` wait for `source` too. */
export function connect(text: string, source: string, target: string): string {
  return edit(text, (doc, steps) => {
    const step = steps.find((s) => s.id === target);
    if (!step || source === target || step.needs.includes(source)) return;
    setNeeds(doc, step.index, [...step.needs, source]);
  });
}

/** Removes the edge source → target (the step then lists its remaining needs explicitly). */
export function disconnect(text: string, source: string, target: string): string {
  return edit(text, (doc, steps) => {
    const step = steps.find((s) => s.id === target);
    if (!step?.needs.includes(source)) return;
    setNeeds(
      doc,
      step.index,
      step.needs.filter((n) => n !== source),
    );
  });
}

/** Sets a step's needs from a list (the form's checkboxes); null removes the field (follow the order). */
export function replaceNeeds(text: string, id: string, needs: string[] | null): string {
  return edit(text, (doc, steps) => {
    const step = steps.find((s) => s.id === id);
    if (!step) return;
    if (needs === null) doc.deleteIn(['steps', step.index, 'needs']);
    else setNeeds(doc, step.index, needs);
  });
}

/** Deletes steps and every explicit need that named them. */
export function deleteSteps(text: string, ids: readonly string[]): string {
  const gone = new Set(ids);
  return edit(text, (doc, steps) => {
    for (const step of steps) {
      if (gone.has(step.id) || !step.explicitNeeds || !step.needs.some((n) => gone.has(n))) continue;
      setNeeds(
        doc,
        step.index,
        step.needs.filter((n) => !gone.has(n)),
      );
    }
    for (const step of [...steps].reverse()) if (gone.has(step.id)) doc.deleteIn(['steps', step.index]);
  });
}

/** Renames a step and the needs that name it (expressions that read `$steps.<old>` are left to the validator to point out). */
export function renameStep(text: string, from: string, to: string): string {
  return edit(text, (doc, steps) => {
    const step = steps.find((s) => s.id === from);
    if (!step) return;
    doc.setIn(['steps', step.index, 'id'], to);
    for (const other of steps) {
      if (other.explicitNeeds && other.needs.includes(from)) {
        setNeeds(
          doc,
          other.index,
          other.needs.map((n) => (n === from ? to : n)),
        );
      }
    }
  });
}

/** Sets (or, with undefined, removes) a field at a path inside a step: ['if'], ['with', 'url'], … */
export function setStepField(text: string, id: string, path: (string | number)[], value: unknown): string {
  return edit(text, (doc, steps) => {
    const step = steps.find((s) => s.id === id);
    if (!step) return;
    const at = ['steps', step.index, ...path];
    if (value === undefined) {
      doc.deleteIn(at);
      return;
    }
    if (path[0] === 'with' && path.length > 1 && !isMap(doc.getIn(['steps', step.index, 'with'], true))) {
      doc.setIn(['steps', step.index, 'with'], doc.createNode({}));
    }
    const withNode = doc.getIn(['steps', step.index, 'with'], true);
    if (isMap(withNode) && withNode.flow) withNode.flow = false;
    doc.setIn(at, value);
  });
}

/** Sets (or removes) a top-level field: name, description, inputs. */
export function setWorkflowField(text: string, key: string, value: unknown): string {
  return edit(text, (doc) => {
    if (value === undefined) doc.delete(key);
    else doc.set(key, value);
  });
}

/** The step index a validation error's path points into (`steps[3].with.url` → 3). */
export function stepIndexOfPath(path: string): number | null {
  const match = /^steps\[(\d+)\]/.exec(path);
  return match ? Number(match[1]) : null;
}

export interface Position {
  x: number;
  y: number;
}

/**
 * A layered layout: each step one column right of its furthest need, stacked in document order
 * within a column. Positions the user dragged override it.
 */
export function layout(steps: StepView[]): Map<string, Position> {
  const depth = new Map<string, number>();
  const byId = new Map(steps.map((s) => [s.id, s]));
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const step = byId.get(id);
    if (!step || visiting.has(id)) return 0; // unknown ids and cycles: the validator reports them
    visiting.add(id);
    const d = step.needs.length === 0 ? 0 : 1 + Math.max(...step.needs.map(depthOf));
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  const rows = new Map<number, number>();
  const positions = new Map<string, Position>();
  for (const step of steps) {
    const column = depthOf(step.id);
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    positions.set(step.id, { x: column * 260, y: row * 110 });
  }
  return positions;
}
