/**
 * Turns a request body (a JSON object, or YAML text) into a compiled workflow and the text it was
 * parsed from (kept as the version's source, so comments survive), or throws the
 * validator's errors as one problem: ATOM_ERR_SPEC_YAML_SYNTAX when the text does not parse,
 * ATOM_ERR_SPEC_INVALID otherwise, each error with its path (and line and column for text).
 */
import type { Engine } from '@atom/engine';
import { AtomError } from '@atom/errors';
import type { CompiledWorkflow } from '@atom/spec';

/** A compiled body, and its text when it came as YAML (the version's source; null for JSON). */
export interface CompiledBody {
  workflow: CompiledWorkflow;
  source: string | null;
}

export function compileBody(engine: Engine, body: unknown): CompiledBody {
  if (body === undefined || body === null || (typeof body !== 'object' && typeof body !== 'string')) {
    throw new AtomError('ATOM_ERR_REQUEST_INVALID', 'the body must be a workflow document (JSON object or YAML)', {
      details: [{ path: 'body', message: 'expected a workflow document' }],
    });
  }
  const result = engine.validate(body);
  if (result.valid && result.workflow)
    return { workflow: result.workflow, source: typeof body === 'string' ? body : null };
  const syntaxOnly = result.errors.length > 0 && result.errors.every((e) => e.code === 'ATOM_ERR_SPEC_YAML_SYNTAX');
  const first = result.errors[0];
  const where = first ? ` (first: ${first.path || 'document'}: ${first.message})` : '';
  throw new AtomError(
    syntaxOnly ? 'ATOM_ERR_SPEC_YAML_SYNTAX' : 'ATOM_ERR_SPEC_INVALID',
    `the workflow has ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}${where}`,
    { details: result.errors },
  );
}

/** `If-Match: 3`, `"3"` or `W/"3"` → 3; undefined when absent; a request error when unreadable. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) {
    throw new AtomError(
      'ATOM_ERR_REQUEST_INVALID',
      `If-Match: expected a workflow version such as "3", got ${header}`,
      {
        details: [{ path: 'headers.if-match', message: 'expected a version number' }],
      },
    );
  }
  return Number(match[1]);
}
