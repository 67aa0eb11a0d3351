import { AtomError } from '@atom/errors';
import jsonata from 'jsonata';
import { installGuard } from './expression-guard.js';
import { expressionRefs, expressionVariables } from './expression-refs.js';

/** One compiled `{{ }}` expression. */
export interface CompiledExpression {
  /** The JSONata text between the braces, trimmed. */
  readonly source: string;
  /** Path in the document of the string holding it, e.g. `steps[1].with.text`. */
  readonly path: string;
  /** Step ids read through `$steps.<id>`. */
  readonly refs: readonly string[];
  /** Variables it reads (`inputs`, `steps`, `secrets`, …). */
  readonly variables: readonly string[];
  /** @internal The compiled JSONata; evaluate through `evaluateTemplate`, which applies the limits. */
  readonly evaluator: jsonata.Expression;
}

/**
 * Compiles one JSONata expression (the text inside `{{ }}`).
 *
 * @param column 1-based column of the expression's first character in its string, so that a syntax
 *   error points inside the string.
 * @throws AtomError `ATOM_ERR_SPEC_EXPRESSION` with one detail `{ path, message, column }`.
 * @example compileExpression('$steps.fetch.output.body', 'steps[1].with.text').refs // ['fetch']
 */
export function compileExpression(source: string, path: string, column = 1): CompiledExpression {
  const text = source.trim();
  if (text === '') throw syntaxError(path, 'empty expression "{{ }}"', column);
  let evaluator: jsonata.Expression;
  try {
    evaluator = jsonata(text);
  } catch (error) {
    const { message, position } = jsonataFailure(error);
    // JSONata positions are 1-based and point at the end of the offending token.
    const leading = source.length - source.trimStart().length;
    const at = column + leading + Math.max(Math.min(position, text.length) - 1, 0);
    throw syntaxError(path, `${message} in "{{ ${text} }}"`, at);
  }
  installGuard(evaluator);
  const ast = evaluator.ast();
  return { source: text, path, refs: expressionRefs(ast), variables: expressionVariables(ast), evaluator };
}

function syntaxError(path: string, message: string, column: number): AtomError {
  return new AtomError('ATOM_ERR_SPEC_EXPRESSION', `${path === '' ? '' : `${path}: `}${message}`, {
    details: [{ path, message, column, code: 'ATOM_ERR_SPEC_EXPRESSION' }],
  });
}

/** JSONata throws plain objects `{ code, message, position, token }`, not Errors. */
export function jsonataFailure(error: unknown): { message: string; position: number; code: string | undefined } {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  return {
    message: typeof record.message === 'string' ? record.message : String(error),
    position: typeof record.position === 'number' ? record.position : 0,
    code: typeof record.code === 'string' ? record.code : undefined,
  };
}
