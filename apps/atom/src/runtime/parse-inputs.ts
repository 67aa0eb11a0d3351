/**
 * Run inputs from the command line: `--input key=value` (repeatable; the value is read as JSON
 * when it parses, else as text; `a.b=1` sets a nested key) merged over `--input-json '{…}'`.
 */
import { AtomError } from '@atom/errors';

function coerce(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function parseInputs(pairs: readonly string[], json: string | undefined): Record<string, unknown> {
  let inputs: Record<string, unknown> = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new AtomError('ATOM_ERR_RUN_INPUT_INVALID', `--input-json is not JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new AtomError('ATOM_ERR_RUN_INPUT_INVALID', '--input-json must be a JSON object');
    }
    inputs = parsed as Record<string, unknown>;
  }
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new AtomError('ATOM_ERR_RUN_INPUT_INVALID', `--input ${pair}: expected key=value`);
    }
    const path = pair.slice(0, at).split('.');
    if (path.some((part) => part === '' || part === '__proto__' || part === 'constructor' || part === 'prototype')) {
      throw new AtomError('ATOM_ERR_RUN_INPUT_INVALID', `--input ${pair}: "${pair.slice(0, at)}" is not a valid key`);
    }
    let target = inputs;
    for (const part of path.slice(0, -1)) {
      const next = target[part];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    target[path[path.length - 1] as string] = coerce(pair.slice(at + 1));
  }
  return inputs;
}
