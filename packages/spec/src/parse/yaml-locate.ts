/**
 * Maps a path into the parsed value (`['steps', 2, 'with', 'url']`) back to a line and column of the
 * YAML source, so every error can point where the user has to look.
 */

import type { Document } from 'yaml';
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, type LineCounter, type Node, Scalar } from 'yaml';
import type { PathSegment } from '../path.js';
import type { SourcePosition } from './source-position.js';

interface Located {
  node: unknown;
  /** Offset the path resolves to, or the one of its nearest existing parent. */
  offset: number;
  complete: boolean;
}

export function locateInYaml(
  document: Document,
  source: string,
  lines: LineCounter,
  path: readonly PathSegment[],
  offsetInValue?: number,
): SourcePosition | undefined {
  const contents = document.contents;
  if (contents === null) return undefined;
  const found = walk(document, contents, path);
  let offset = found.offset;
  if (found.complete && offsetInValue !== undefined && isScalar(found.node)) {
    offset = offsetInScalar(found.node, source, offsetInValue) ?? offset;
  }
  const { line, col } = lines.linePos(offset);
  return { line: Math.max(line, 1), column: col };
}

function walk(document: Document, start: Node, path: readonly PathSegment[]): Located {
  let node: unknown = start;
  let offset = rangeStart(start) ?? 0;
  for (const segment of path) {
    node = resolve(document, node);
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
      if (pair === undefined) return { node, offset, complete: false };
      next = pair.value;
      // A block collection starts on the next line; its key is where a reader looks.
      const pointAtKey = next === null || (isCollection(next) && !next.flow);
      offset = (pointAtKey ? rangeStart(pair.key) : rangeStart(next)) ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
      if (next === undefined) return { node, offset, complete: false };
      offset = rangeStart(next) ?? offset;
    } else {
      return { node, offset, complete: false };
    }
    node = next;
  }
  return { node: resolve(document, node), offset, complete: true };
}

function resolve(document: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(document) : node;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

/**
 * The source offset of character `index` of a scalar's value, when the mapping is plain: a scalar on
 * one line (quoted or not; escapes are not counted) or a literal block (`|`), whose lines are the
 * value's lines shifted by the indentation.
 */
function offsetInScalar(scalar: Scalar, source: string, index: number): number | undefined {
  const range = scalar.range;
  if (!range) return undefined;
  const [start, end] = range;
  const text = source.slice(start, end);
  if (scalar.type === Scalar.BLOCK_LITERAL) return offsetInLiteralBlock(text, start, String(scalar.value), index);
  if (text.includes('\n')) return undefined;
  const quoted = scalar.type === Scalar.QUOTE_DOUBLE || scalar.type === Scalar.QUOTE_SINGLE;
  return start + (quoted ? 1 : 0) + index;
}

function offsetInLiteralBlock(text: string, start: number, value: string, index: number): number | undefined {
  const bodyStart = text.indexOf('\n') + 1;
  if (bodyStart === 0) return undefined;
  const body = text.slice(bodyStart);
  const indent = /^[ ]*/.exec(body.split('\n').find((line) => line.trim() !== '') ?? '')?.[0].length ?? 0;
  const before = value.slice(0, index);
  const lineIndex = before.split('\n').length - 1;
  const column = index - (before.lastIndexOf('\n') + 1);
  const lineStarts = [0];
  for (let i = 0; i < body.length; i++) if (body[i] === '\n') lineStarts.push(i + 1);
  const lineStart = lineStarts[lineIndex];
  if (lineStart === undefined) return undefined;
  return start + bodyStart + lineStart + indent + column;
}
