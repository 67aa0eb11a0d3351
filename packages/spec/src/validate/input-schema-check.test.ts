import { describe, expect, it } from 'vitest';
import { checkInput } from './input-schema-check.js';

const messages = (value: unknown, schema: unknown) =>
  checkInput(value, schema).map((issue) => `${issue.path.join('.')}: ${issue.message}`);

describe('checkInput', () => {
  it('checks types, integers included', () => {
    expect(messages(1.5, { type: 'integer' })).toEqual([': expected integer, got number']);
    expect(messages(2, { type: 'number' })).toEqual([]);
    expect(messages(null, { type: ['string', 'null'] })).toEqual([]);
    expect(messages([], { type: 'object' })).toEqual([': expected object, got array']);
  });

  it('accepts any expression string for any type', () => {
    expect(messages('{{ $inputs.n }}', { type: 'integer', minimum: 5 })).toEqual([]);
    expect(messages('n: {{ 1 }}', { enum: ['a'] })).toEqual([]);
  });

  it('checks objects: required, properties, additionalProperties', () => {
    const schema = {
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'string' }, b: { type: 'object', additionalProperties: { type: 'number' } } },
      additionalProperties: false,
    };
    expect(messages({ b: { x: 'no' }, c: 1 }, schema)).toEqual([
      'a: missing required input "a"',
      'b.x: expected number, got string',
      'c: unknown input "c"; expected one of a, b',
    ]);
  });

  it('checks strings, numbers and arrays', () => {
    expect(messages('ab', { minLength: 3, maxLength: 1, pattern: '^x' })).toEqual([
      ': must have at least 3 characters',
      ': must have at most 1 characters',
      ': must match the pattern ^x',
    ]);
    expect(messages(5, { minimum: 6, maximum: 4, exclusiveMinimum: 5, exclusiveMaximum: 5 })).toEqual([
      ': must be at least 6',
      ': must be at most 4',
      ': must be more than 5',
      ': must be less than 5',
    ]);
    expect(messages([1, 'x'], { items: { type: 'number' }, minItems: 3 })).toEqual([
      ': must have at least 3 items',
      '1: expected number, got string',
    ]);
  });

  it('checks enum and const', () => {
    expect(messages('PUT', { enum: ['GET', 'POST'] })).toEqual([': must be one of "GET", "POST"']);
    expect(messages({ a: [1] }, { const: { a: [1] } })).toEqual([]);
    expect(messages(2, { const: 1 })).toEqual([': must be 1']);
  });

  it('checks anyOf, oneOf and allOf', () => {
    const either = [{ type: 'string' }, { type: 'object', required: ['id'] }];
    expect(messages(3, { anyOf: either })).toEqual([': does not match any of the allowed forms']);
    expect(messages({}, { anyOf: either })).toEqual(['id: missing required input "id"']);
    expect(messages(3, { oneOf: [{ type: 'number' }, { minimum: 0 }] })).toEqual([
      ': matches more than one of the allowed forms',
    ]);
    expect(messages('{{ 1 }}', { oneOf: [{ type: 'number' }, { type: 'string' }] })).toEqual([]);
    expect(messages(1, { allOf: [{ type: 'number' }, { minimum: 2 }] })).toEqual([': must be at least 2']);
  });

  it('accepts what it does not know', () => {
    expect(messages({ a: 1 }, { $ref: '#/$defs/x' })).toEqual([]);
    expect(messages('x', { pattern: '(' })).toEqual([]);
    expect(messages('x', true)).toEqual([]);
    expect(messages('x', false)).toEqual([': no value is allowed here']);
  });
});
