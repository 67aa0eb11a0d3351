/** Turns zod issues into problems a person can act on: one per field, with the field's path. */
import type { z } from 'zod';
import type { PathSegment } from '../path.js';
import type { Problem } from './problem.js';

type Issue = z.core.$ZodIssue;

export function schemaProblems(issues: readonly Issue[], base: PathSegment[] = []): Problem[] {
  return issues.flatMap((issue) => issueProblems(issue, base));
}

function issueProblems(issue: Issue, base: PathSegment[]): Problem[] {
  const path = [...base, ...issue.path.map(toSegment)];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => problem([...path, key], `unknown field "${key}"`));
    case 'invalid_union':
      return unionProblems(issue, path);
    case 'invalid_key':
    case 'invalid_element':
      return schemaProblems(issue.issues, path);
    case 'invalid_type':
      if (issue.input === undefined && path.length > 0) {
        return [problem(path, `missing required field "${String(path[path.length - 1])}"`)];
      }
      return [problem(path, `expected ${issue.expected}, received ${typeName(issue.input)}`)];
    default:
      return [problem(path, cleanMessage(issue.message))];
  }
}

/**
 * zod reports every branch of a failed union. When exactly one branch got past the type check
 * (`cache: { ttl: x }`), its issues are the useful ones; otherwise say which types would do.
 */
function unionProblems(issue: Extract<Issue, { code: 'invalid_union' }>, path: PathSegment[]): Problem[] {
  const branches = issue.errors.filter((branch) => branch.length > 0);
  const informative = branches.filter((branch) => !isTypeMismatch(branch));
  if (informative.length === 1) return schemaProblems(informative[0]!, path);
  if (issue.message !== 'Invalid input') return [problem(path, cleanMessage(issue.message))];
  const expected = new Set(branches.flatMap((branch) => branch.map(expectedText)));
  if (expected.size === 0) return [problem(path, 'invalid value')];
  return [problem(path, `expected ${[...expected].join(' or ')}, received ${typeName(issue.input)}`)];
}

function isTypeMismatch(branch: readonly Issue[]): boolean {
  const [first] = branch;
  return (
    branch.length === 1 &&
    first !== undefined &&
    first.path.length === 0 &&
    (first.code === 'invalid_type' || first.code === 'invalid_value')
  );
}

function expectedText(issue: Issue): string {
  if (issue.code === 'invalid_type') return issue.expected;
  if (issue.code === 'invalid_value') return issue.values.map((value) => JSON.stringify(value)).join(' or ');
  return 'another value';
}

function problem(path: PathSegment[], message: string): Problem {
  return { path, message, code: 'ATOM_ERR_SPEC_SCHEMA' };
}

function cleanMessage(message: string): string {
  const cleaned = message.replace(/^Invalid (input|option): /, '');
  return cleaned === 'Invalid input' ? 'invalid value' : cleaned;
}

function toSegment(key: PropertyKey): PathSegment {
  return typeof key === 'number' ? key : String(key);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
