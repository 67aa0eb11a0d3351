/** A piece of a template string: literal text, or the source of one `{{ }}` expression. */
export type TemplatePart =
  | { kind: 'text'; text: string }
  /** `offset`: index in the whole string of the first character of `source`. */
  | { kind: 'expression'; source: string; offset: number };

export interface ScanResult {
  parts: TemplatePart[];
  /** An unterminated `{{`; `offset` is where it opens. */
  error: { message: string; offset: number } | null;
}

/**
 * Splits a string into text and `{{ }}` expressions. The closing `}}` is found JSONata-aware, so
 * `{{ {"a": {"b": 1}} }}` is one expression: braces are counted and strings and comments skipped.
 *
 * @example scanTemplate('Hi {{ $inputs.name }}!').parts.length // 3
 */
export function scanTemplate(text: string): ScanResult {
  const parts: TemplatePart[] = [];
  let textStart = 0;
  let open = text.indexOf('{{');
  while (open >= 0) {
    const start = open + 2;
    const close = findClose(text, start);
    if (close < 0) return { parts, error: { message: 'unterminated "{{": no matching "}}"', offset: open } };
    if (open > textStart) parts.push({ kind: 'text', text: text.slice(textStart, open) });
    parts.push({ kind: 'expression', source: text.slice(start, close), offset: start });
    textStart = close + 2;
    open = text.indexOf('{{', textStart);
  }
  if (textStart < text.length) parts.push({ kind: 'text', text: text.slice(textStart) });
  return { parts, error: null };
}

/**
 * True for a string holding `{{`: an expression, or text mixing some in. Its value is known only
 * when the run evaluates it, so static checks accept it for any type.
 *
 * @example isExpression('Hi {{ $inputs.name }}') // true
 */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.includes('{{');
}

function findClose(text: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const char = text[i];
    if (char === '"' || char === "'" || char === '`') {
      const end = skipQuoted(text, i, char);
      // An unclosed quote: let JSONata report it, on the expression up to the first "}}".
      if (end < 0) return text.indexOf('}}', from);
      i = end;
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return text.indexOf('}}', from);
      i = end + 1;
    } else if (char === '{') {
      depth++;
    } else if (char === '}') {
      if (depth === 0 && text[i + 1] === '}') return i;
      if (depth > 0) depth--;
    }
    i++;
  }
  return -1;
}

/** Index of the closing quote, or -1. Backticks (names) take no escapes; strings do. */
function skipQuoted(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\' && quote !== '`') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}
