import { AtomError } from '@atom/errors';
import { describe, expect, it } from 'vitest';
import { compileExpression } from './compile-expression.js';
import { compileTemplate, templateRefs } from './template.js';

function compileErrors(value: unknown, path = 'steps[1].with'): AtomError {
  try {
    compileTemplate(value, path);
  } catch (error) {
    expect(error).toBeInstanceOf(AtomError);
    return error as AtomError;
  }
  throw new Error('expected a compile error');
}

describe('compileTemplate', () => {
  it('keeps values without expressions as constants', () => {
    expect(compileTemplate({ a: [1, 'x'], b: null }, 'with')).toEqual({
      kind: 'constant',
      path: 'with',
      value: { a: [1, 'x'], b: null },
    });
  });

  it('tells a whole expression from text mixing expressions', () => {
    expect(compileTemplate('  {{ 1 + 1 }} ', 'x').kind).toBe('expression');
    expect(compileTemplate('n = {{ 1 + 1 }}', 'x').kind).toBe('text');
    expect(compileTemplate('{{ 1 }}{{ 2 }}', 'x').kind).toBe('text');
  });

  it('gives every node its document path', () => {
    const template = compileTemplate({ list: ['{{ $a }}'], 'Content Type': '{{ $b }}' }, 'steps[0].with');
    expect(template.kind).toBe('object');
    if (template.kind !== 'object') return;
    const [list, header] = template.entries;
    expect(list?.[1].path).toBe('steps[0].with.list');
    expect(list?.[1].kind === 'array' && list[1].items[0]?.path).toBe('steps[0].with.list[0]');
    expect(header?.[1].path).toBe('steps[0].with["Content Type"]');
  });

  it('reports a syntax error with the JSONata message, the expression and the column in the string', () => {
    const error = compileErrors({ text: 'Hello {{ $inputs.name + }}' });
    expect(error.code).toBe('ATOM_ERR_SPEC_EXPRESSION');
    expect(error.details).toEqual([
      {
        path: 'steps[1].with.text',
        message: 'Unexpected end of expression in "{{ $inputs.name + }}"',
        column: 23,
        code: 'ATOM_ERR_SPEC_EXPRESSION',
      },
    ]);
  });

  it('reports every broken string at once', () => {
    const error = compileErrors({ a: '{{ ( }}', b: ['ok {{ 1 }}', '{{ }}'], c: 'x {{ 1' });
    expect(error.details.map((detail) => detail.path)).toEqual([
      'steps[1].with.a',
      'steps[1].with.b[1]',
      'steps[1].with.c',
    ]);
    expect(error.details[1]?.message).toMatch(/empty expression/);
    expect(error.details[2]).toMatchObject({ message: 'unterminated "{{": no matching "}}"', column: 3 });
  });

  it('syntax-checks deferred keys but keeps their raw value', () => {
    const template = compileTemplate({ event: 'paid', if: '{{ $event.id = $steps.a.output }}' }, 'with', {
      deferredKeys: ['if'],
    });
    expect(template.kind).toBe('object');
    if (template.kind === 'object') expect(template.entries[1]?.[1].kind).toBe('deferred');
    expect(templateRefs(template)).toEqual(['a']);
    expect(() => compileTemplate({ if: '{{ ( }}' }, 'with', { deferredKeys: ['if'] })).toThrow(AtomError);
  });

  it('only defers top-level keys', () => {
    const template = compileTemplate({ nested: { if: '{{ 1 }}' } }, 'with', { deferredKeys: ['if'] });
    expect(JSON.stringify(template)).not.toContain('deferred');
  });
});

describe('templateRefs', () => {
  it('lists the steps read through $steps.<id>, anywhere in the AST', () => {
    const template = compileTemplate(
      {
        a: '{{ $steps.fetch.output.body }}',
        b: 'x {{ $count($steps.list.output[$steps.filter.output = 1]) }}',
        c: '{{ $map([1], function($v) { $steps.inner.output }) }}',
        d: '{{ $steps.`odd name`.output }}',
        e: '{{ $steps }} {{ $lookup($steps, "dynamic") }} {{ $other.x }}',
      },
      'with',
    );
    expect(templateRefs(template).sort()).toEqual(['fetch', 'filter', 'inner', 'list', 'odd name']);
  });

  it('lists each step once', () => {
    expect(templateRefs(compileTemplate('{{ $steps.a.output + $steps.a.output }}', 'x'))).toEqual(['a']);
  });
});

describe('compileExpression', () => {
  it('trims the source and computes refs', () => {
    const expression = compileExpression('  $steps.a.output  ', 'steps[0].if');
    expect(expression.source).toBe('$steps.a.output');
    expect(expression.refs).toEqual(['a']);
  });
});
