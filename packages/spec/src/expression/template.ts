import { AtomError, type ErrorDetail } from '@atom/errors';
import { appendPath } from '../path.js';
import { type CompiledExpression, compileExpression } from './compile-expression.js';
import { scanTemplate } from './scan-template.js';

/**
 * A JSON value whose strings may hold `{{ }}` expressions, compiled once. Evaluate it with
 * `evaluateTemplate`. Every node keeps its document path for error messages.
 */
export type CompiledTemplate =
  /** No expression inside: evaluates to (a copy of) `value`. */
  | { readonly kind: 'constant'; readonly path: string; readonly value: unknown }
  /** A string that is exactly one `{{ }}`: evaluates to the expression's typed value. */
  | { readonly kind: 'expression'; readonly path: string; readonly expression: CompiledExpression }
  /** A string mixing text and expressions: evaluates to a string. */
  | { readonly kind: 'text'; readonly path: string; readonly parts: readonly (string | CompiledExpression)[] }
  /** A deferred input: syntax-checked, but evaluates to its raw value for the node to evaluate later. */
  | {
      readonly kind: 'deferred';
      readonly path: string;
      readonly value: unknown;
      readonly expressions: readonly CompiledExpression[];
    }
  | { readonly kind: 'array'; readonly path: string; readonly items: readonly CompiledTemplate[] }
  | {
      readonly kind: 'object';
      readonly path: string;
      readonly entries: readonly (readonly [key: string, value: CompiledTemplate])[];
    };

export interface TemplateOptions {
  /** Top-level keys of an object value that are compiled for syntax only and evaluate to their raw text. */
  deferredKeys?: readonly string[];
}

/**
 * Compiles every `{{ }}` of a JSON value. All syntax errors of the value are reported together.
 *
 * @throws AtomError `ATOM_ERR_SPEC_EXPRESSION`; each detail has the string's path, the JSONata
 *   message with the expression, and `column`: the 1-based column inside the string.
 * @example
 * const t = compileTemplate({ text: 'Hi {{ $inputs.name }}' }, 'steps[0].with');
 * await evaluateTemplate(t, bindings) // { text: 'Hi Ada' }
 */
export function compileTemplate(value: unknown, path: string, options: TemplateOptions = {}): CompiledTemplate {
  const errors: ErrorDetail[] = [];
  const deferred = new Set(options.deferredKeys ?? []);
  const template = compileNode(value, path, errors, (key, depth) => depth === 0 && deferred.has(key));
  if (errors.length > 0) {
    const first = errors[0] as ErrorDetail;
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    throw new AtomError('ATOM_ERR_SPEC_EXPRESSION', `${first.path}: ${first.message}${more}`, { details: errors });
  }
  return template;
}

type IsDeferred = (key: string, depth: number) => boolean;

function compileNode(
  value: unknown,
  path: string,
  errors: ErrorDetail[],
  isDeferred: IsDeferred,
  depth = 0,
): CompiledTemplate {
  if (typeof value === 'string') return compileString(value, path, errors);
  if (Array.isArray(value)) {
    const items = value.map((item, index) => compileNode(item, appendPath(path, index), errors, isDeferred, depth + 1));
    return items.every((item) => item.kind === 'constant')
      ? { kind: 'constant', path, value }
      : { kind: 'array', path, items };
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, item]): [string, CompiledTemplate] => {
      const itemPath = appendPath(path, key);
      if (isDeferred(key, depth)) return [key, compileDeferred(item, itemPath, errors)];
      return [key, compileNode(item, itemPath, errors, isDeferred, depth + 1)];
    });
    const constant = entries.every(([, item]) => item.kind === 'constant');
    return constant ? { kind: 'constant', path, value } : { kind: 'object', path, entries };
  }
  return { kind: 'constant', path, value };
}

function compileString(text: string, path: string, errors: ErrorDetail[]): CompiledTemplate {
  const { parts, error } = scanTemplate(text);
  if (error !== null) {
    errors.push({ path, message: error.message, column: error.offset + 1, code: 'ATOM_ERR_SPEC_EXPRESSION' });
    return { kind: 'constant', path, value: text };
  }
  const compiled: (string | CompiledExpression)[] = [];
  for (const part of parts) {
    if (part.kind === 'text') {
      compiled.push(part.text);
      continue;
    }
    try {
      compiled.push(compileExpression(part.source, path, part.offset + 1));
    } catch (failure) {
      if (!(failure instanceof AtomError)) throw failure;
      errors.push(...failure.details);
    }
  }
  const expressions = compiled.filter((part): part is CompiledExpression => typeof part !== 'string');
  // No expression, or a broken one (reported above; the template is then never evaluated).
  if (expressions.length === 0 || expressions.length < parts.filter((p) => p.kind === 'expression').length) {
    return { kind: 'constant', path, value: text };
  }
  const only = compiled.filter((part) => typeof part !== 'string' || part.trim() !== '');
  if (only.length === 1 && expressions.length === 1) return { kind: 'expression', path, expression: expressions[0]! };
  return { kind: 'text', path, parts: compiled };
}

function compileDeferred(value: unknown, path: string, errors: ErrorDetail[]): CompiledTemplate {
  const inner = compileNode(value, path, errors, () => false);
  return { kind: 'deferred', path, value, expressions: collectExpressions(inner) };
}

/** Every expression of a template, in document order. */
export function collectExpressions(template: CompiledTemplate): CompiledExpression[] {
  switch (template.kind) {
    case 'constant':
      return [];
    case 'expression':
      return [template.expression];
    case 'text':
      return template.parts.filter((part): part is CompiledExpression => typeof part !== 'string');
    case 'deferred':
      return [...template.expressions];
    case 'array':
      return template.items.flatMap(collectExpressions);
    case 'object':
      return template.entries.flatMap(([, item]) => collectExpressions(item));
  }
}

/**
 * Step ids a template reads through `$steps.<id>`, deferred inputs included, each once.
 *
 * @example templateRefs(compileTemplate('{{ $steps.a.output + $steps.b.output }}', 'output')) // ['a', 'b']
 */
export function templateRefs(template: CompiledTemplate): string[] {
  return [...new Set(collectExpressions(template).flatMap((expression) => expression.refs))];
}
