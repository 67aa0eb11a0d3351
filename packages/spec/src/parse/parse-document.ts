import { AtomError, type ErrorDetail } from '@atom/errors';
import { LineCounter, parseDocument as parseYaml, visit } from 'yaml';
import type { PathSegment } from '../path.js';
import { refersToItself } from './refers-to-itself.js';
import type { SourcePosition } from './source-position.js';
import { locateInYaml } from './yaml-locate.js';

/** Aliases a document may expand; a few hundred nested aliases can expand to gigabytes ("billion laughs"). */
const MAX_ALIAS_COUNT = 100;

/** A YAML (or JSON) document, parsed, that still knows where each value came from. */
export interface ParsedDocument {
  /** The plain value: objects, arrays, strings, numbers, booleans, null. */
  value: unknown;
  /**
   * Line and column (1-based) of the value at `path`; for a missing key, of the nearest existing
   * parent. With `offset`, of that character (0-based) inside a string value when it can be mapped.
   */
  locate(path: readonly PathSegment[], offset?: number): SourcePosition | undefined;
}

/**
 * Parses YAML 1.2 (JSON is YAML) keeping source positions. Duplicate keys, several documents, alias
 * bombs, self-referencing aliases and a raw NUL character are syntax errors.
 *
 * @throws AtomError `ATOM_ERR_SPEC_YAML_SYNTAX` with one detail per problem (line, column).
 * @example
 * const parsed = parseDocument('atom: 1\nname: x\n');
 * parsed.locate(['name']) // { line: 2, column: 7 }
 */
export function parseDocument(text: string): ParsedDocument {
  // YAML allows no NUL character in a stream (only escaped, "\0"), and the stored text could not
  // hold one on PostgreSQL; the parser itself lets one pass in a comment.
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    const line = text.slice(0, nul).split('\n').length;
    const column = nul - text.lastIndexOf('\n', nul - 1);
    throw syntaxError([{ path: '', message: 'a NUL character is not allowed in YAML', line, column }]);
  }
  const lines = new LineCounter();
  let document: ReturnType<typeof parseYaml>;
  try {
    document = parseYaml(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  } catch (error) {
    // The parser recurses on nesting; absurd depth ends as a RangeError.
    throw syntaxError([
      { path: '', message: `the document cannot be parsed: ${messageOf(error)}`, line: 1, column: 1 },
    ]);
  }
  if (document.errors.length > 0) {
    throw syntaxError(
      document.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { path: '', message: error.message, line: Math.max(line, 1), column: col };
      }),
    );
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw syntaxError([{ path: '', message: `aliases: ${messageOf(error)}`, ...firstAlias(document, lines) }]);
  }
  if (refersToItself(value)) {
    throw syntaxError([
      { path: '', message: 'an alias refers to a node that contains it', ...firstAlias(document, lines) },
    ]);
  }
  return { value, locate: (path, offset) => locateInYaml(document, text, lines, path, offset) };
}

function syntaxError(details: ErrorDetail[]): AtomError {
  const first = details[0];
  const where = first?.line === undefined ? '' : ` at line ${first.line}, column ${first.column}`;
  return new AtomError('ATOM_ERR_SPEC_YAML_SYNTAX', `invalid YAML${where}: ${first?.message ?? ''}`, { details });
}

function firstAlias(document: ReturnType<typeof parseYaml>, lines: LineCounter): SourcePosition {
  let offset = 0;
  visit(document, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  const { line, col } = lines.linePos(offset);
  return { line: Math.max(line, 1), column: col };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
