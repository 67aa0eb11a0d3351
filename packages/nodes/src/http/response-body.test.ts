import { describe, expect, it } from 'vitest';
import { decodeBody } from './response-body.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('decodeBody', () => {
  it('parses JSON content types in auto mode and returns other bodies as text', () => {
    expect(decodeBody(bytes('{"a":1}'), 'application/json; charset=utf-8', 'auto')).toEqual({ a: 1 });
    expect(decodeBody(bytes('{"a":1}'), 'application/problem+json', 'auto')).toEqual({ a: 1 });
    expect(decodeBody(bytes('{"a":1}'), 'text/plain', 'auto')).toBe('{"a":1}');
    expect(decodeBody(bytes('not json'), 'application/json', 'auto')).toBe('not json');
  });

  it('forces JSON or text when asked', () => {
    expect(decodeBody(bytes('[1,2]'), 'text/plain', 'json')).toEqual([1, 2]);
    expect(() => decodeBody(bytes('<html>'), 'text/html', 'json')).toThrow(/not JSON \(text\/html\)/);
    expect(decodeBody(bytes('{"a":1}'), 'application/json', 'text')).toBe('{"a":1}');
  });

  it('honours the charset and treats an empty body as null', () => {
    expect(decodeBody(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'text/plain; charset=iso-8859-1', 'auto')).toBe('café');
    expect(decodeBody(bytes('ok'), 'text/plain; charset=made-up', 'auto')).toBe('ok');
    expect(decodeBody(Buffer.alloc(0), 'application/json', 'auto')).toBeNull();
    expect(decodeBody(Buffer.alloc(0), 'text/plain', 'text')).toBe('');
  });
});
