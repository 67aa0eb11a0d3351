import { describe, expect, it } from 'vitest';
import { validate, workflowText } from '../test-support/workflow-text.js';

/** `path: message` of each $steps error. */
function refErrors(steps: string, extra = ''): string[] {
  return validate(workflowText(steps, extra))
    .errors.filter((error) => error.code === 'ATOM_ERR_SPEC_STEP_REF')
    .map((error) => `${error.path}: ${error.message}`);
}

function otherErrors(steps: string, extra = ''): string[] {
  return validate(workflowText(steps, extra))
    .errors.filter((error) => error.code !== 'ATOM_ERR_SPEC_STEP_REF')
    .map((error) => `${error.path}: ${error.message}`);
}

describe('$steps references at the top level', () => {
  it('reads earlier steps in the default order, transitively', () => {
    const steps = `
- { id: a, uses: transform }
- { id: b, uses: transform }
- { id: c, uses: transform, with: { v: "{{ $steps.a.output + $steps.b.output }}" } }`;
    expect(refErrors(steps)).toEqual([]);
    expect(otherErrors(steps)).toEqual([]);
  });

  it('refuses steps that run later, and unknown steps', () => {
    expect(
      refErrors(`
- { id: a, uses: transform, with: { v: "{{ $steps.b.output }}", w: "{{ $steps.ghost.output }}" } }
- { id: b, uses: transform }`),
    ).toEqual([
      'steps[0].with.v: $steps.b: "b" does not run before "a"; list it in needs (or place it before)',
      'steps[0].with.w: $steps.ghost: no step "ghost"',
    ]);
  });

  it('follows explicit needs: parallel branches do not see each other', () => {
    expect(
      refErrors(`
- { id: a, uses: transform }
- { id: b, uses: transform, needs: [a] }
- { id: c, uses: transform, needs: [a], if: "{{ $steps.b.status = 'succeeded' }}" }
- { id: d, uses: transform, needs: [b, c], with: { v: "{{ [$steps.a.output, $steps.b.output, $steps.c.output] }}" } }
- { id: e, uses: transform, needs: [], with: { v: "{{ $steps.a.output }}" } }`),
    ).toEqual([
      'steps[2].if: $steps.b: "b" does not run before "c"; list it in needs (or place it before)',
      'steps[4].with.v: $steps.a: "a" does not run before "e"; list it in needs (or place it before)',
    ]);
  });

  it('lets output and compensate read the step itself, nothing else', () => {
    expect(
      refErrors(`
- id: card
  uses: trello.createCard
  output: "{{ $steps.card.status & $output.id }}"
  compensate: { uses: trello.deleteCard, with: { id: "{{ $steps.card.output.id }}" } }
- id: self
  uses: transform
  with: { v: "{{ $steps.self.output }}" }
  if: "{{ $steps.self.status = 'x' }}"
  cache: { key: "{{ $steps.self.output }}" }`),
    ).toEqual([
      'steps[1].with.v: $steps.self: "self" cannot read itself before it has run',
      'steps[1].if: $steps.self: "self" cannot read itself before it has run',
      'steps[1].cache.key: $steps.self: "self" cannot read itself before it has run',
    ]);
  });

  it('checks deferred inputs too', () => {
    expect(
      refErrors(
        '- { id: w, uses: wait, with: { event: x, if: "{{ $steps.later.output }}" } }\n- { id: later, uses: log }',
      ),
    ).toEqual([
      'steps[0].with.if: $steps.later: "later" does not run before "w"; list it in needs (or place it before)',
    ]);
  });
});

describe('$steps references and groups', () => {
  const groups = (inner: string, after = '') => `
- { id: before, uses: transform }
- id: group
  foreach: "{{ $steps.before.output }}"
  output: "{{ $steps.second.output }}"
  steps:
    - { id: first, uses: transform }
${inner.trim().replace(/^/gm, '    ')}
- { id: after, uses: transform${after} }`;

  it('reads earlier inner steps and steps upstream of the group', () => {
    const steps = groups(`
- { id: second, uses: transform, with: { a: "{{ $steps.first.output }}", b: "{{ $steps.before.output }}" } }`);
    expect(refErrors(steps)).toEqual([]);
  });

  it('refuses later inner steps, steps after the group and the group itself', () => {
    const steps = groups(`
- id: second
  uses: transform
  with: { a: "{{ $steps.third.output }}", b: "{{ $steps.after.output }}", c: "{{ $steps.group.output }}" }
- { id: third, uses: transform }`);
    expect(refErrors(steps)).toEqual([
      'steps[1].steps[1].with.a: $steps.third: "third" does not run before "second"; list it in needs (or place it before)',
      'steps[1].steps[1].with.b: $steps.after: "after" does not run before group "group", which contains "second"',
      'steps[1].steps[1].with.c: $steps.group: "group" is the group containing "second"; it has no output yet',
    ]);
  });

  it('hides inner steps from outside the group, but not the group', () => {
    const steps = groups(
      '- { id: second, uses: transform }',
      ', with: { a: "{{ $steps.first.output }}", b: "{{ $steps.group.output }}" }',
    );
    expect(refErrors(steps)).toEqual([
      'steps[2].with.a: $steps.first: "first" is inside group "group", which "after" is not in',
    ]);
  });

  it('reads through several levels of groups', () => {
    const steps = `
- { id: top, uses: transform }
- id: outer
  steps:
    - { id: mid, uses: transform }
    - id: inner
      steps:
        - { id: deep, uses: transform, with: { a: "{{ $steps.top.output }}", b: "{{ $steps.mid.output }}" } }
        - { id: deeper, uses: transform, with: { a: "{{ $steps.deep.output }}" } }`;
    expect(refErrors(steps)).toEqual([]);
  });

  it('does not let a group output read inner steps of nested groups', () => {
    const steps = `
- id: outer
  output: "{{ $steps.leaf.output }}"
  steps:
    - id: inner
      steps: [{ id: leaf, uses: transform }]`;
    expect(refErrors(steps)).toEqual([
      'steps[0].output: $steps.leaf: "leaf" is inside group "inner", which "outer" is not in',
    ]);
  });
});

describe('$steps references in outputs, onFailure and triggers', () => {
  it('lets outputs read top-level steps only', () => {
    const steps = `
- { id: a, uses: transform }
- { id: g, steps: [{ id: inner, uses: transform }] }`;
    const extra = `outputs:
  ok: "{{ $steps.a.output }} {{ $steps.g.output }}"
  nested: "{{ $steps.inner.output }}"
  ghost: "{{ $steps.ghost.output }}"
  failure: "{{ $steps.alert.output }}"
onFailure:
  - { id: alert, uses: log }
`;
    expect(refErrors(steps, extra)).toEqual([
      'outputs.nested: $steps.inner: "inner" is inside group "g"; outputs read top-level steps only',
      'outputs.ghost: $steps.ghost: no step "ghost"',
      'outputs.failure: $steps.alert: "alert" is an onFailure step; outputs read top-level steps only',
    ]);
  });

  it('lets onFailure steps read any top-level step and earlier onFailure steps', () => {
    const steps = `
- { id: a, uses: transform }
- { id: last, uses: transform, with: { v: "{{ $steps.alert.output }}" } }
- { id: g, steps: [{ id: inner, uses: transform }] }`;
    const extra = `onFailure:
  - { id: alert, uses: log, with: { message: "{{ $steps.last.error }} {{ $steps.a.status }} {{ $steps.g.status }}" } }
  - { id: page, uses: log, with: { message: "{{ $steps.alert.output }} {{ $steps.inner.output }}" } }
`;
    expect(refErrors(steps, extra)).toEqual([
      'steps[1].with.v: $steps.alert: "alert" is an onFailure step; it runs only after the run failed',
      'onFailure[1].with.message: $steps.inner: "inner" is inside group "g", which "page" is not in',
    ]);
  });

  it('refuses $steps in triggers', () => {
    const extra = 'triggers:\n  - event: { name: x, if: "{{ $steps.a.output }}" }\n';
    expect(refErrors('- { id: a, uses: transform }', extra)).toEqual([
      'triggers[0].event.if: $steps.a: a trigger runs before any step, it reads no step',
    ]);
  });
});
