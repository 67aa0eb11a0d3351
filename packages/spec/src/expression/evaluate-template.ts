import { AtomError } from '@atom/errors';
import { type CompiledExpression, jsonataFailure } from './compile-expression.js';
import type { ExpressionBindings, ExpressionLimits } from './expression-bindings.js';
import { guardBinding, newGuard } from './expression-guard.js';
import { jsonataBoolean } from './jsonata-boolean.js';
import { toPlainJson } from './plain-json.js';
import type { CompiledTemplate } from './template.js';

const DEFAULT_TIMEOUT_MS = 1000;
const DEFAULT_MAX_DEPTH = 200;

/**
 * Evaluates a compiled template. A string that is one expression yields its typed value (undefined
 * becomes null); a string mixing text and expressions yields text; other values pass through.
 *
 * @throws AtomError `ATOM_ERR_EXPR_EVAL`, `ATOM_ERR_EXPR_TIMEOUT` or `ATOM_ERR_EXPR_DEPTH`, naming
 *   the expression and its path in the document.
 * @example
 * await evaluateTemplate(compileTemplate('{{ 1 + 1 }}', 'x'), bindings) // 2
 * await evaluateTemplate(compileTemplate('n = {{ 1 + 1 }}', 'x'), bindings) // 'n = 2'
 */
export async function evaluateTemplate(
  template: CompiledTemplate,
  bindings: ExpressionBindings,
  limits: ExpressionLimits = {},
): Promise<unknown> {
  switch (template.kind) {
    case 'constant':
      return toPlainJson(template.value);
    case 'deferred':
      return toPlainJson(template.value);
    case 'expression':
      return (await evaluateExpression(template.expression, bindings, limits)) ?? null;
    case 'text': {
      let text = '';
      for (const part of template.parts) {
        text += typeof part === 'string' ? part : asText(await evaluateExpression(part, bindings, limits));
      }
      return text;
    }
    case 'array': {
      const items: unknown[] = [];
      for (const item of template.items) items.push(await evaluateTemplate(item, bindings, limits));
      return items;
    }
    case 'object': {
      const entries: [string, unknown][] = [];
      for (const [key, item] of template.entries) entries.push([key, await evaluateTemplate(item, bindings, limits)]);
      return Object.fromEntries(entries);
    }
  }
}

/**
 * Evaluates an `if`-style template to a boolean with JSONata's truthiness.
 *
 * @example await evaluateCondition(compileTemplate('{{ $inputs.n > 1 }}', 'steps[0].if'), bindings) // true
 */
export async function evaluateCondition(
  template: CompiledTemplate,
  bindings: ExpressionBindings,
  limits: ExpressionLimits = {},
): Promise<boolean> {
  return jsonataBoolean(await evaluateTemplate(template, bindings, limits));
}

/** Evaluates one expression under its limits; the result as plain JSON (undefined when empty). */
export async function evaluateExpression(
  expression: CompiledExpression,
  bindings: ExpressionBindings,
  limits: ExpressionLimits = {},
): Promise<unknown> {
  const timeoutMs = limits.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const guard = newGuard(timeoutMs, maxDepth);
  const variables: Record<string, unknown> = { ...bindings, ...guardBinding(guard) };
  try {
    return toPlainJson(await expression.evaluator.evaluate(bindings, variables));
  } catch (error) {
    const where = `expression "{{ ${expression.source} }}" at ${expression.path || '(document)'}`;
    if (guard.tripped === 'timeout') {
      throw new AtomError('ATOM_ERR_EXPR_TIMEOUT', `${where} ran longer than ${timeoutMs} ms`, {
        data: limitData(expression),
      });
    }
    if (guard.tripped === 'depth') {
      throw new AtomError(
        'ATOM_ERR_EXPR_DEPTH',
        `${where} nested deeper than ${maxDepth} levels (runaway recursion?)`,
        {
          data: limitData(expression),
        },
      );
    }
    const failure = jsonataFailure(error);
    throw new AtomError('ATOM_ERR_EXPR_EVAL', `${where} failed: ${failure.message}`, {
      data: { ...limitData(expression), ...(failure.code === undefined ? {} : { jsonataCode: failure.code }) },
    });
  }
}

function limitData(expression: CompiledExpression): Record<string, unknown> {
  return { expression: expression.source, path: expression.path };
}

function asText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? '';
}
