import { AtomError } from '@atom/errors';
import { describe, expect, it } from 'vitest';
import { parseDocument } from './parse-document.js';

const TEXT = `atom: 1
name: demo
steps:
  - id: first
    uses: http.request
    with:
      url: "https://example.com/{{ $inputs.id }}"
      headers: { accept: json }
  - id: second
    uses: transform
    with:
      text: |
        line one
        value {{ $steps.first.output }}
`;

function syntaxDetails(text: string) {
  try {
    parseDocument(text);
  } catch (error) {
    expect(error).toBeInstanceOf(AtomError);
    expect((error as AtomError).code).toBe('ATOM_ERR_SPEC_YAML_SYNTAX');
    return (error as AtomError).details;
  }
  throw new Error('expected a syntax error');
}

describe('parseDocument', () => {
  it('returns the plain value', () => {
    const { value } = parseDocument(TEXT);
    expect(value).toMatchObject({ atom: 1, name: 'demo', steps: [{ id: 'first' }, { id: 'second' }] });
  });

  it('locates scalars, sequence items and keys of block collections (1-based)', () => {
    const parsed = parseDocument(TEXT);
    expect(parsed.locate(['name'])).toEqual({ line: 2, column: 7 });
    expect(parsed.locate(['steps'])).toEqual({ line: 3, column: 1 });
    expect(parsed.locate(['steps', 1])).toEqual({ line: 9, column: 5 });
    expect(parsed.locate(['steps', 0, 'with'])).toEqual({ line: 6, column: 5 });
    expect(parsed.locate(['steps', 0, 'with', 'url'])).toEqual({ line: 7, column: 12 });
    expect(parsed.locate(['steps', 0, 'with', 'headers', 'accept'])).toEqual({ line: 8, column: 26 });
  });

  it('falls back to the nearest existing parent for a missing path', () => {
    const parsed = parseDocument(TEXT);
    expect(parsed.locate(['steps', 0, 'needs', 0])).toEqual({ line: 4, column: 5 });
    expect(parsed.locate(['steps', 7, 'id'])).toEqual({ line: 3, column: 1 });
    expect(parsed.locate(['nothing'])).toEqual({ line: 1, column: 1 });
  });

  it('maps an offset inside a quoted string and inside a literal block', () => {
    const parsed = parseDocument(TEXT);
    // "https://example.com/{{ … }}": the { of {{ is character 20 of the value.
    expect(parsed.locate(['steps', 0, 'with', 'url'], 20)).toEqual({ line: 7, column: 33 });
    const value = 'line one\nvalue {{ $steps.first.output }}\n';
    expect(parsed.locate(['steps', 1, 'with', 'text'], value.indexOf('{{'))).toEqual({ line: 14, column: 15 });
  });

  it('refuses a raw NUL character, even in a comment, at its line and column; an escaped one is a value', () => {
    expect(syntaxDetails('atom: 1\n# a\u0000b\nname: x\n')).toEqual([
      expect.objectContaining({ line: 2, column: 4, message: expect.stringContaining('NUL') }),
    ]);
    expect(syntaxDetails('\u0000')[0]).toMatchObject({ line: 1, column: 1 });
    expect(parseDocument('name: "a\\0b"\n').value).toEqual({ name: 'a\u0000b' });
  });

  it('reads JSON, which is YAML', () => {
    const parsed = parseDocument('{\n  "atom": 1,\n  "steps": [\n    { "id": "a" }\n  ]\n}');
    expect(parsed.value).toEqual({ atom: 1, steps: [{ id: 'a' }] });
    expect(parsed.locate(['steps', 0, 'id'])).toEqual({ line: 4, column: 13 });
  });

  it('reports every syntax error with line and column', () => {
    const details = syntaxDetails('atom: 1\nsteps:\n  - id: [a\n  - id: b\nname: "x\n');
    expect(details.length).toBeGreaterThan(0);
    for (const detail of details) {
      expect(detail.path).toBe('');
      expect(detail.line).toBeGreaterThanOrEqual(1);
      expect(detail.column).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses duplicate keys where they are', () => {
    const details = syntaxDetails('atom: 1\nname: a\nsteps: []\nname: b\n');
    expect(details[0]).toMatchObject({ line: 4, column: 1 });
    expect(details[0]?.message).toMatch(/unique/);
  });

  it('refuses several documents in one text', () => {
    expect(syntaxDetails('a: 1\n---\nb: 2\n')[0]?.message).toMatch(/multiple documents/);
  });

  it('refuses alias bombs', () => {
    const lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let level = 1; level < 10; level++) {
      const previous = String.fromCharCode(96 + level);
      const next = String.fromCharCode(97 + level);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    const details = syntaxDetails(`${lines.join('\n')}\n`);
    expect(details[0]?.message).toMatch(/alias/i);
    expect(details[0]?.line).toBeGreaterThan(1);
  });

  it('refuses an alias inside its own anchor', () => {
    expect(syntaxDetails('a: &x [1, *x]\n')[0]?.message).toMatch(/alias/);
  });

  it('accepts plain aliases', () => {
    expect(parseDocument('a: &x { b: 1 }\nc: *x\n').value).toEqual({ a: { b: 1 }, c: { b: 1 } });
  });

  it('turns an empty text into null', () => {
    expect(parseDocument('').value).toBeNull();
    expect(parseDocument('').locate(['steps'])).toBeUndefined();
  });
});
