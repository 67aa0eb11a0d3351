/**
 * Property tests: whatever it is given — random JSON, random text, a valid document mutated at
 * random — validateWorkflow answers, and every error has a path string and a code.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../parse/parse-document.js';
import { validate } from '../test-support/workflow-text.js';

const triage = readFileSync(new URL('../fixtures/triage.yaml', import.meta.url), 'utf8');
const base = parseDocument(triage).value;

function expectWellFormed(input: unknown): void {
  let result: ReturnType<typeof validate> | undefined;
  expect(() => {
    result = validate(input);
  }).not.toThrow();
  expect(typeof result?.valid).toBe('boolean');
  if (result?.valid) {
    expect(result.errors).toEqual([]);
    expect(result.workflow).toBeDefined();
    return;
  }
  expect(result?.errors.length).toBeGreaterThan(0);
  for (const error of result?.errors ?? []) {
    expect(typeof error.path).toBe('string');
    expect(typeof error.message).toBe('string');
    expect(error.code).toMatch(/^ATOM_ERR_/);
    if (typeof input === 'string' && error.line !== undefined) {
      expect(error.line).toBeGreaterThanOrEqual(1);
      expect(error.column).toBeGreaterThanOrEqual(1);
    }
  }
}

type Json = unknown;
type Path = (string | number)[];

/** Every path to a value inside `value`. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, index]));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

type Mutation =
  | { kind: 'delete' }
  | { kind: 'duplicate' }
  | { kind: 'replace'; value: Json }
  | { kind: 'rename'; key: string };

function mutate(document: Json, path: Path, mutation: Mutation): Json {
  const copy = structuredClone(document) as Record<string | number, unknown>;
  if (path.length === 0) return mutation.kind === 'replace' ? mutation.value : copy;
  let parent: Record<string | number, unknown> = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (mutation.kind === 'duplicate') {
    if (Array.isArray(parent)) parent.splice(last as number, 0, structuredClone(parent[last]));
    else parent[`${last}`] = structuredClone(parent[last]);
  } else if (mutation.kind === 'rename') {
    if (!Array.isArray(parent)) {
      parent[mutation.key] = parent[last];
      delete parent[last];
    }
  } else {
    parent[last] = mutation.value;
  }
  return copy;
}

const expressionish = fc.oneof(
  fc.constantFrom(
    '{{ $steps.card.output }}',
    '{{ (',
    '{{ }}',
    'x {{ $steps.nope.output }}',
    '{{ $steps.notify.output }}',
  ),
  fc.string().map((text) => `{{ ${text} }}`),
);
const fieldNames = fc.constantFrom(
  'id',
  'uses',
  'steps',
  'with',
  'needs',
  'if',
  'foreach',
  'cache',
  'retry',
  'x',
  'onFailure',
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant({ kind: 'delete' as const }),
  fc.constant({ kind: 'duplicate' as const }),
  fieldNames.map((key) => ({ kind: 'rename' as const, key })),
  fc.oneof(fc.jsonValue(), expressionish, fc.constantFrom('classify', 'card', 'notify', [], {}, true)).map((value) => ({
    kind: 'replace' as const,
    value,
  })),
);

describe('validateWorkflow never throws', () => {
  it('on random JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), expectWellFormed), { numRuns: 300 });
  });

  it('on random values shaped like a workflow', () => {
    const step = fc.record(
      {
        id: fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.jsonValue()),
        uses: fc.jsonValue(),
        needs: fc.jsonValue(),
        with: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    const document = fc.record(
      { atom: fc.constantFrom(1, 2), name: fc.string(), steps: fc.array(step, { maxLength: 5 }) },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(document, expectWellFormed), { numRuns: 300 });
  });

  it('on random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), expectWellFormed), { numRuns: 300 });
  });

  it('on random edits of a valid YAML text', () => {
    const edit = fc.tuple(
      fc.nat(triage.length),
      fc.nat(20),
      fc.constantFrom('', ':', '- ', '{', '"', '  ', '\n', '*a', '&a ', '{{'),
    );
    fc.assert(
      fc.property(edit, ([at, length, insert]) =>
        expectWellFormed(triage.slice(0, at) + insert + triage.slice(at + length)),
      ),
      { numRuns: 300 },
    );
  });

  it('on mutations of a valid document', () => {
    const paths = pathsOf(base);
    const mutations = fc.array(fc.tuple(fc.nat(paths.length - 1), mutation), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(mutations, (edits) => {
        let document = base;
        for (const [pathIndex, change] of edits) {
          const available = pathsOf(document);
          document = mutate(document, available[pathIndex % available.length] as Path, change);
        }
        expectWellFormed(document);
      }),
      { numRuns: 500 },
    );
  });
});
