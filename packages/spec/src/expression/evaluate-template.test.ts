import { AtomError } from '@atom/errors';
import { describe, expect, it } from 'vitest';
import { testBindings } from '../test-support/bindings.js';
import { evaluateCondition, evaluateTemplate } from './evaluate-template.js';
import { compileTemplate } from './template.js';

const evaluate = (value: unknown, overrides = {}) =>
  evaluateTemplate(compileTemplate(value, 'steps[1].with.text'), testBindings(overrides));

async function failure(promise: Promise<unknown>): Promise<AtomError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AtomError);
    return error as AtomError;
  }
  throw new Error('expected the evaluation to fail');
}

describe('evaluateTemplate: typing', () => {
  it('gives a whole expression its typed value', async () => {
    expect(await evaluate('{{ $inputs.count * 2 }}')).toBe(6);
    expect(await evaluate(' {{ $inputs.tags }} ')).toEqual(['a', 'b']);
    expect(await evaluate('{{ $steps.fetch.output }}')).toEqual({ status: 200, items: [1, 2, 3] });
    expect(await evaluate('{{ $inputs.count > 1 }}')).toBe(true);
  });

  it('turns undefined into null for a whole expression', async () => {
    expect(await evaluate('{{ $inputs.missing }}')).toBeNull();
  });

  it('makes text of a string mixing text and expressions', async () => {
    expect(await evaluate('Hi {{ $inputs.name }}, {{ $inputs.count }} items')).toBe('Hi Ada, 3 items');
    expect(await evaluate('tags: {{ $inputs.tags }}')).toBe('tags: ["a","b"]');
    expect(await evaluate('obj: {{ $steps.fetch.output }}')).toBe('obj: {"status":200,"items":[1,2,3]}');
    expect(await evaluate('[{{ $inputs.missing }}]')).toBe('[]');
    expect(await evaluate('{{ true }}!')).toBe('true!');
  });

  it('evaluates nested values and passes other values through', async () => {
    const value = { a: 1, b: [true, null, '{{ $vars.LIST }}'], c: { d: 'x {{ $run.version }}' } };
    expect(await evaluate(value)).toEqual({ a: 1, b: [true, null, 'triage'], c: { d: 'x 2' } });
    expect(await evaluate(42)).toBe(42);
    expect(await evaluate(null)).toBeNull();
  });

  it('returns plain arrays, not JSONata sequences', async () => {
    const result = await evaluate('{{ $steps.fetch.output.items.($ * 10) }}');
    expect(result).toEqual([10, 20, 30]);
    expect(Object.keys(result as object)).toEqual(['0', '1', '2']);
  });

  it('returns copies of constants', async () => {
    const template = compileTemplate({ list: [1] }, 'with');
    const first = (await evaluateTemplate(template, testBindings())) as { list: number[] };
    first.list.push(2);
    expect(await evaluateTemplate(template, testBindings())).toEqual({ list: [1] });
  });

  it('keeps deferred keys as their text', async () => {
    const template = compileTemplate({ event: '{{ $vars.LIST }}', if: '{{ $event.ok }}' }, 'with', {
      deferredKeys: ['if'],
    });
    expect(await evaluateTemplate(template, testBindings())).toEqual({ event: 'triage', if: '{{ $event.ok }}' });
  });
});

describe('evaluateTemplate: bindings', () => {
  it('binds every variable', async () => {
    const bindings = { item: { n: 5 }, index: 4, event: { name: 'paid' }, output: { raw: true } };
    const text =
      '{{ $trigger.body.issue.title }}|{{ $steps.broken.status }}|{{ $steps.broken.error.code }}|{{ $item.n }}|' +
      '{{ $index }}|{{ $run.id }}|{{ $run.workflow }}|{{ $run.attempt }}|{{ $secrets.TOKEN }}|{{ $event.name }}|{{ $output.raw }}';
    expect(await evaluate(text, bindings)).toBe('Crash|failed|ATOM_ERR_HTTP_STATUS|5|4|run_1|demo|1|s3cret|paid|true');
  });

  it('uses the bindings object as the input context $', async () => {
    expect(await evaluate('{{ inputs.name }}')).toBe('Ada');
    expect(await evaluate('{{ $.vars.LIST }}')).toBe('triage');
  });

  it('leaves unbound optional variables undefined', async () => {
    expect(await evaluate('{{ $item }}')).toBeNull();
  });
});

describe('evaluateTemplate: failures and limits', () => {
  it('names the expression and its path when evaluation fails', async () => {
    const error = await failure(evaluate('{{ $inputs.name + 1 }}'));
    expect(error.code).toBe('ATOM_ERR_EXPR_EVAL');
    expect(error.message).toContain('{{ $inputs.name + 1 }}');
    expect(error.message).toContain('steps[1].with.text');
    expect(error.data).toMatchObject({ jsonataCode: 'T2001' });
  });

  it('stops an endless loop at the time limit', async () => {
    // A tail call: JSONata reuses the frame, so only the clock can stop it.
    const template = compileTemplate('{{ ($loop := function($n) { $loop($n + 1) }; $loop(0)) }}', 'steps[0].output');
    const error = await failure(evaluateTemplate(template, testBindings(), { timeoutMs: 50 }));
    expect(error.code).toBe('ATOM_ERR_EXPR_TIMEOUT');
    expect(error.message).toContain('steps[0].output');
    expect(error.message).toContain('50 ms');
  });

  it('stops runaway recursion at the depth limit', async () => {
    const template = compileTemplate('{{ ($deep := function($n) { 1 + $deep($n + 1) }; $deep(0)) }}', 'steps[0].if');
    const error = await failure(evaluateTemplate(template, testBindings()));
    expect(error.code).toBe('ATOM_ERR_EXPR_DEPTH');
    expect(error.message).toContain('steps[0].if');
  });

  it('stops a limit hit inside $eval too', async () => {
    const template = compileTemplate(
      '{{ $eval("($f := function($n) { 1 + $f($n + 1) }; $f(0))") }}',
      'steps[0].with.x',
    );
    expect((await failure(evaluateTemplate(template, testBindings()))).code).toBe('ATOM_ERR_EXPR_DEPTH');
  });

  it('counts nested function calls: 150 levels pass, 250 do not (default 200)', async () => {
    const depth = (levels: number) =>
      compileTemplate(`{{ ($down := function($n) { $n = 0 ? 0 : 1 + $down($n - 1) }; $down(${levels})) }}`, 'x');
    expect(await evaluateTemplate(depth(150), testBindings())).toBe(150);
    expect((await failure(evaluateTemplate(depth(250), testBindings()))).code).toBe('ATOM_ERR_EXPR_DEPTH');
    expect(await evaluateTemplate(depth(250), testBindings(), { maxDepth: 300 })).toBe(250);
  });

  it('does not count wide constructors as depth', async () => {
    const keys = Array.from({ length: 500 }, (_, i) => `"k${i}": [${i} + 1, $string(${i})]`).join(', ');
    const result = await evaluateTemplate(compileTemplate(`{{ {${keys}} }}`, 'x'), testBindings());
    expect(Object.keys(result as object)).toHaveLength(500);
  });

  it('lets bounded recursion finish within the default limits', async () => {
    const template = compileTemplate(
      '{{ ($fact := function($n) { $n <= 1 ? 1 : $n * $fact($n - 1) }; $fact(10)) }}',
      'x',
    );
    expect(await evaluateTemplate(template, testBindings())).toBe(3628800);
  });

  it('keeps the limits of concurrent evaluations of one expression apart', async () => {
    const template = compileTemplate('{{ $sum([1..1000]) }}', 'x');
    const results = await Promise.all(Array.from({ length: 20 }, () => evaluateTemplate(template, testBindings())));
    expect(results).toEqual(Array(20).fill(500500));
  });
});

describe('evaluateCondition', () => {
  it.each([
    ['{{ true }}', true],
    ['{{ false }}', false],
    ['{{ $inputs.count }}', true],
    ['{{ 0 }}', false],
    ['{{ "" }}', false],
    ['{{ $inputs.missing }}', false],
    ['{{ [] }}', false],
    ['{{ [0, false] }}', false],
    ['{{ [0, 1] }}', true],
    ['{{ {} }}', false],
    ['{{ $steps.fetch.output }}', true],
    ["{{ $steps.fetch.output.status = 200 and $inputs.name = 'Ada' }}", true],
  ])('%s is %s', async (text, expected) => {
    expect(await evaluateCondition(compileTemplate(text, 'steps[0].if'), testBindings())).toBe(expected);
  });
});
