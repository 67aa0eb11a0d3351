/**
 * Checks a step's `with` against its node's input JSON Schema, before any expression is evaluated.
 * A subset of JSON Schema: type, properties, required, additionalProperties, enum, const, items,
 * minItems/maxItems, minimum/maximum (and exclusive), minLength/maxLength, pattern, anyOf, oneOf,
 * allOf. Other keywords (`$ref`, formats, …) are not checked here; the node checks its resolved
 * input again when it runs. A string holding `{{` matches anything: its value is not known yet.
 */
import { isExpression } from '../expression/scan-template.js';
import { isPlainObject } from '../model/json-value-schema.js';
import type { PathSegment } from '../path.js';

export interface InputIssue {
  path: PathSegment[];
  message: string;
}

type Schema = Record<string, unknown>;

export function checkInput(value: unknown, schema: unknown, path: PathSegment[] = []): InputIssue[] {
  if (schema === false) return [{ path, message: 'no value is allowed here' }];
  if (!isPlainObject(schema)) return [];
  if (isExpression(value)) return [];
  const issues: InputIssue[] = [];
  if ('const' in schema && !deepEqual(value, schema.const)) {
    issues.push({ path, message: `must be ${JSON.stringify(schema.const)}` });
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => deepEqual(value, option))) {
    issues.push({ path, message: `must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(', ')}` });
  }
  const typeIssue = checkType(value, schema.type, path);
  if (typeIssue !== null) return [...issues, typeIssue];
  if (typeof value === 'string') issues.push(...checkString(value, schema, path));
  if (typeof value === 'number') issues.push(...checkNumber(value, schema, path));
  if (Array.isArray(value)) issues.push(...checkArray(value, schema, path));
  if (isPlainObject(value)) issues.push(...checkObject(value, schema, path));
  issues.push(...checkCombinators(value, schema, path));
  return issues;
}

function checkType(value: unknown, type: unknown, path: PathSegment[]): InputIssue | null {
  const allowed = typeof type === 'string' ? [type] : Array.isArray(type) ? type : null;
  if (allowed === null) return null;
  const actual = jsonType(value);
  const matches = allowed.some((name) => name === actual || (name === 'number' && actual === 'integer'));
  return matches ? null : { path, message: `expected ${allowed.join(' or ')}, got ${actual}` };
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function checkString(value: string, schema: Schema, path: PathSegment[]): InputIssue[] {
  const issues: InputIssue[] = [];
  const length = [...value].length;
  if (typeof schema.minLength === 'number' && length < schema.minLength) {
    issues.push({ path, message: `must have at least ${schema.minLength} characters` });
  }
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
    issues.push({ path, message: `must have at most ${schema.maxLength} characters` });
  }
  if (typeof schema.pattern === 'string' && !matchesPattern(value, schema.pattern)) {
    issues.push({ path, message: `must match the pattern ${schema.pattern}` });
  }
  return issues;
}

function matchesPattern(value: string, pattern: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    // A pattern JavaScript cannot read is the node's problem, not the workflow's.
    return true;
  }
}

function checkNumber(value: number, schema: Schema, path: PathSegment[]): InputIssue[] {
  const bounds: [unknown, (limit: number) => boolean, string][] = [
    [schema.minimum, (limit) => value >= limit, 'at least'],
    [schema.maximum, (limit) => value <= limit, 'at most'],
    [schema.exclusiveMinimum, (limit) => value > limit, 'more than'],
    [schema.exclusiveMaximum, (limit) => value < limit, 'less than'],
  ];
  return bounds
    .filter(([limit, ok]) => typeof limit === 'number' && !ok(limit))
    .map(([limit, , words]) => ({ path, message: `must be ${words} ${limit}` }));
}

function checkArray(value: unknown[], schema: Schema, path: PathSegment[]): InputIssue[] {
  const issues: InputIssue[] = [];
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
    issues.push({ path, message: `must have at least ${schema.minItems} items` });
  }
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
    issues.push({ path, message: `must have at most ${schema.maxItems} items` });
  }
  if (schema.items !== undefined) {
    for (const [index, item] of value.entries()) issues.push(...checkInput(item, schema.items, [...path, index]));
  }
  return issues;
}

function checkObject(value: Record<string, unknown>, schema: Schema, path: PathSegment[]): InputIssue[] {
  const issues: InputIssue[] = [];
  const properties = isPlainObject(schema.properties) ? schema.properties : {};
  if (Array.isArray(schema.required)) {
    for (const key of schema.required) {
      if (typeof key === 'string' && value[key] === undefined) {
        issues.push({ path: [...path, key], message: `missing required input "${key}"` });
      }
    }
  }
  for (const [key, item] of Object.entries(value)) {
    if (Object.hasOwn(properties, key)) {
      issues.push(...checkInput(item, properties[key], [...path, key]));
    } else if (schema.additionalProperties === false) {
      const known = Object.keys(properties);
      const hint = known.length > 0 ? `; expected one of ${known.join(', ')}` : '';
      issues.push({ path: [...path, key], message: `unknown input "${key}"${hint}` });
    } else if (schema.additionalProperties !== undefined) {
      issues.push(...checkInput(item, schema.additionalProperties, [...path, key]));
    }
  }
  return issues;
}

function checkCombinators(value: unknown, schema: Schema, path: PathSegment[]): InputIssue[] {
  const issues: InputIssue[] = [];
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf) issues.push(...checkInput(value, part, path));
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = schema[keyword];
    if (!Array.isArray(options) || options.length === 0) continue;
    const results = options.map((option) => checkInput(value, option, path));
    const matching = results.filter((result) => result.length === 0).length;
    // With expressions inside, several forms may match until the value is known: oneOf is then anyOf.
    if (matching === 0) issues.push(...closestIssues(results, path));
    else if (keyword === 'oneOf' && matching > 1 && !holdsExpression(value)) {
      issues.push({ path, message: 'matches more than one of the allowed forms' });
    }
  }
  return issues;
}

/**
 * When no form matches, a form whose type matched (its problems are deeper inside) says most about
 * what was meant; otherwise say that none fits.
 */
function closestIssues(results: InputIssue[][], path: PathSegment[]): InputIssue[] {
  const deeper = results.filter((result) => result.every((issue) => issue.path.length > path.length));
  if (deeper.length === 0) return [{ path, message: 'does not match any of the allowed forms' }];
  return deeper.reduce((best, result) => (result.length < best.length ? result : best));
}

function holdsExpression(value: unknown): boolean {
  if (typeof value === 'string') return isExpression(value);
  if (Array.isArray(value)) return value.some(holdsExpression);
  if (isPlainObject(value)) return Object.values(value).some(holdsExpression);
  return false;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]))
    );
  }
  return false;
}
