import { describe, expect, it } from 'vitest';
import { isExpression, scanTemplate } from './scan-template.js';

describe('scanTemplate', () => {
  it('splits text and expressions, keeping offsets', () => {
    expect(scanTemplate('Hi {{ $inputs.name }}!')).toEqual({
      parts: [
        { kind: 'text', text: 'Hi ' },
        { kind: 'expression', source: ' $inputs.name ', offset: 5 },
        { kind: 'text', text: '!' },
      ],
      error: null,
    });
  });

  it('keeps braces and strings of JSONata inside one expression', () => {
    const { parts } = scanTemplate('{{ {"a": {"b": "}}"}} }} tail');
    expect(parts[0]).toEqual({ kind: 'expression', source: ' {"a": {"b": "}}"}} ', offset: 2 });
    expect(parts[1]).toEqual({ kind: 'text', text: ' tail' });
  });

  it('skips comments', () => {
    expect(scanTemplate('{{ 1 /* }} */ + 1 }}').parts).toEqual([
      { kind: 'expression', source: ' 1 /* }} */ + 1 ', offset: 2 },
    ]);
  });

  it('reports an unterminated {{', () => {
    expect(scanTemplate('a {{ b').error).toEqual({ message: 'unterminated "{{": no matching "}}"', offset: 2 });
  });

  it('leaves plain strings alone', () => {
    expect(scanTemplate('plain')).toEqual({ parts: [{ kind: 'text', text: 'plain' }], error: null });
    expect(scanTemplate('')).toEqual({ parts: [], error: null });
  });

  it('tells expressions from other values', () => {
    expect(isExpression('{{ 1 }}')).toBe(true);
    expect(isExpression('a {{ 1 }} b')).toBe(true);
    expect(isExpression('a')).toBe(false);
    expect(isExpression(1)).toBe(false);
  });
});
