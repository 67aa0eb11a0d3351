import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical-json.js';
import type { CompiledWorkflow } from '../compiled-workflow.js';
import { evaluateTemplate } from '../expression/evaluate-template.js';
import { parseDocument } from '../parse/parse-document.js';
import { testBindings } from '../test-support/bindings.js';
import { testCatalog } from '../test-support/test-catalog.js';
import { workflowText } from '../test-support/workflow-text.js';
import { compileWorkflow } from './validate-workflow.js';

const compile = (input: unknown): CompiledWorkflow => compileWorkflow(input, { catalog: testCatalog });
const triage = readFileSync(new URL('../fixtures/triage.yaml', import.meta.url), 'utf8');

describe('compileWorkflow: the compiled shape', () => {
  const workflow = compile(
    workflowText(
      `
- { id: a, uses: transform }
- id: g
  foreach: "{{ $steps.a.output }}"
  concurrency: 3
  steps:
    - { id: x, uses: transform, with: { v: "{{ $item }}" } }
    - { id: y, uses: http.request, needs: [], with: { url: "https://x/{{ $index }}" }, retry: { attempts: 5, delay: 2s } }
- { id: c, uses: transform, needs: [a, g], timeout: 10s, onError: continue, cache: true }
- { id: d, uses: transform, cache: { ttl: 1m, key: "{{ $steps.c.output.id }}" }, output: "{{ $output.v }}" }`,
      `onFailure:\n  - { id: alert, uses: log, with: { message: "{{ $steps.a.status }}" } }\ndefaults:\n  retry: { attempts: 2, jitter: true }\n`,
    ),
  );

  it('resolves needs: explicit, else the previous step, else none', () => {
    expect(workflow.root.steps.map((step) => [step.id, step.needs])).toEqual([
      ['a', []],
      ['g', ['a']],
      ['c', ['a', 'g']],
      ['d', ['c']],
    ]);
    expect(workflow.steps.get('x')?.needs).toEqual([]);
    expect(workflow.steps.get('y')?.needs).toEqual([]);
    expect(workflow.onFailure?.steps[0]?.needs).toEqual([]);
  });

  it('nests scopes with their owner, ancestors and positions', () => {
    const group = workflow.steps.get('g');
    expect(group?.uses).toBeNull();
    expect(group?.children?.owner).toBe('g');
    expect(group?.children?.steps.map((step) => [step.id, step.index, step.ancestors])).toEqual([
      ['x', 0, ['g']],
      ['y', 1, ['g']],
    ]);
    expect(workflow.root.owner).toBeNull();
    expect(workflow.onFailure?.owner).toBeNull();
    expect(workflow.onFailure?.steps[0]?.inOnFailure).toBe(true);
    expect(workflow.steps.get('a')?.inOnFailure).toBe(false);
  });

  it('lists every step by id in document order', () => {
    expect([...workflow.steps.keys()]).toEqual(['a', 'g', 'x', 'y', 'c', 'd', 'alert']);
    expect(workflow.steps.get('x')).toBe(workflow.steps.get('g')?.children?.steps[0]);
  });

  it('applies defaults', () => {
    const a = workflow.steps.get('a');
    expect(a).toMatchObject({
      name: null,
      description: null,
      connection: null,
      concurrency: 10,
      timeoutMs: 300_000,
      onError: 'fail',
      compensate: null,
      cache: null,
      output: null,
      if: null,
      foreach: null,
    });
    expect(a?.retry).toEqual({ attempts: 2, backoff: 'exponential', delayMs: 1000, maxDelayMs: 300_000, jitter: true });
    expect(workflow.steps.get('y')?.retry).toEqual({
      attempts: 5,
      backoff: 'exponential',
      delayMs: 2000,
      maxDelayMs: 300_000,
      jitter: true,
    });
    expect(workflow.steps.get('g')?.concurrency).toBe(3);
    expect(workflow.steps.get('c')).toMatchObject({
      timeoutMs: 10_000,
      onError: 'continue',
      cache: { ttlMs: 3_600_000, key: null },
    });
    expect(workflow.steps.get('d')?.cache?.ttlMs).toBe(60_000);
  });

  it('keeps retry at one attempt without defaults', () => {
    const plain = compile(workflowText('- { id: a, uses: transform }'));
    expect(plain.steps.get('a')?.retry).toEqual({
      attempts: 1,
      backoff: 'exponential',
      delayMs: 1000,
      maxDelayMs: 300_000,
      jitter: false,
    });
    expect(plain.outputs).toBeNull();
    expect(plain.inputs).toBeNull();
    expect(plain.onFailure).toBeNull();
  });

  it('records the steps each step reads', () => {
    expect(workflow.steps.get('g')?.refs).toEqual(['a']);
    expect(workflow.steps.get('d')?.refs).toEqual(['c']);
    expect(workflow.steps.get('alert')?.refs).toEqual(['a']);
  });

  it('attaches compiled templates that evaluate', async () => {
    const y = workflow.steps.get('y');
    expect(await evaluateTemplate(y!.with, testBindings({ index: 7 }))).toEqual({ url: 'https://x/7' });
    expect(await evaluateTemplate(workflow.steps.get('a')!.with, testBindings())).toEqual({});
    const d = workflow.steps.get('d');
    expect(await evaluateTemplate(d!.output!, testBindings({ output: { v: 'reshaped' } }))).toBe('reshaped');
  });
});

describe('compileWorkflow: the design example', () => {
  const workflow = compile(triage);

  it('compiles compensations, connections, outputs and inputs', () => {
    const card = workflow.steps.get('card');
    expect(card?.connection).toBe('team-trello');
    expect(card?.compensate?.uses).toBe('trello.deleteCard');
    expect(card?.compensate?.connection).toBeNull();
    expect(card?.refs).toEqual(['classify', 'card']);
    expect(workflow.outputs?.kind).toBe('object');
    expect(workflow.inputs).toEqual({ type: 'object', properties: { repo: { type: 'string' } } });
    expect(workflow.steps.get('classify')?.timeoutMs).toBe(30_000);
    expect(workflow.document.triggers).toHaveLength(4);
  });

  it('hashes the canonical JSON of the document', () => {
    const expected = createHash('sha256')
      .update(canonicalJson(parseDocument(triage).value))
      .digest('hex');
    expect(workflow.hash).toBe(expected);
    expect(workflow.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same hash to the same document written differently', () => {
    const asJson = JSON.stringify(parseDocument(triage).value, null, 4);
    expect(compile(asJson).hash).toBe(workflow.hash);
    const reordered = triage.replace('atom: 1\nname: triage-github-issues', 'name: triage-github-issues\natom: 1');
    expect(compile(reordered).hash).toBe(workflow.hash);
    expect(compile(triage.replace('timeout: 30s', 'timeout: 31s')).hash).not.toBe(workflow.hash);
  });
});
