import { AtomError, type ErrorDetail } from '@atom/errors';
import type { CompiledWorkflow } from '../compiled-workflow.js';
import { isPlainObject } from '../model/json-value-schema.js';
import { workflowSchema } from '../model/workflow-model.js';
import { DEFAULT_MAX_NESTING, tooDeepAt } from '../nesting.js';
import { nulAt } from '../nul.js';
import { type ParsedDocument, parseDocument } from '../parse/parse-document.js';
import { refersToItself } from '../parse/refers-to-itself.js';
import { formatPath } from '../path.js';
import { buildWorkflow } from './build-workflow.js';
import { checkCycles } from './check-cycles.js';
import { checkUniqueIds } from './check-ids.js';
import { checkNodes } from './check-nodes.js';
import { checkRefs } from './check-refs.js';
import { compileTemplates } from './compile-templates.js';
import type { NodeCatalog } from './node-catalog.js';
import type { Problem } from './problem.js';
import { resolveNeeds } from './resolve-needs.js';
import { schemaProblems } from './schema-issues.js';
import { buildStepTree } from './step-tree.js';

const DEFAULT_MAX_STEPS = 1000;

export interface ValidateOptions {
  catalog: NodeCatalog;
  /** Most steps a document may have, groups and onFailure included (default 1000). */
  maxSteps?: number;
  /** Deepest nesting of arrays and objects in the document (ATOM_MAX_NESTING, default 64). */
  maxNesting?: number;
}

export interface ValidationResult {
  valid: boolean;
  /** Every problem found, each with its path, a specific code, and line/column when the input was text. */
  errors: ErrorDetail[];
  /** Set when valid. */
  workflow?: CompiledWorkflow;
}

/**
 * Validates a workflow: YAML/JSON text (a string) or an already parsed value. Never throws: any
 * input, however broken, gives a result listing every problem found.
 *
 * @example
 * const result = validateWorkflow(yamlText, { catalog });
 * if (!result.valid) for (const error of result.errors) console.log(formatDetail(error, 'flow.yaml'));
 */
export function validateWorkflow(input: unknown, options: ValidateOptions): ValidationResult {
  let parsed: ParsedDocument | null = null;
  if (typeof input === 'string') {
    try {
      parsed = parseDocument(input);
    } catch (error) {
      if (error instanceof AtomError) return { valid: false, errors: withCode(error) };
      return unexpected(error);
    }
  }
  return validateSafely(parsed === null ? input : parsed.value, parsed, options);
}

/**
 * Validates and compiles a workflow for the engine.
 *
 * @throws AtomError `ATOM_ERR_SPEC_YAML_SYNTAX` for unreadable text, `ATOM_ERR_SPEC_INVALID` (with
 *   every problem in `details`) for an invalid workflow.
 * @example const workflow = compileWorkflow(readFileSync('flow.yaml', 'utf8'), { catalog });
 */
export function compileWorkflow(input: unknown, options: ValidateOptions): CompiledWorkflow {
  const parsed = typeof input === 'string' ? parseDocument(input) : null;
  const value = parsed === null ? input : parsed.value;
  const { workflow, errors } = validateSafely(value, parsed, options);
  if (workflow) return workflow;
  const name = isPlainObject(value) && typeof value.name === 'string' ? value.name : 'unnamed';
  const count = `${errors.length} error${errors.length === 1 ? '' : 's'}`;
  throw new AtomError('ATOM_ERR_SPEC_INVALID', `workflow "${name}" has ${count}`, { details: errors });
}

function validateSafely(value: unknown, parsed: ParsedDocument | null, options: ValidateOptions): ValidationResult {
  try {
    return validateValue(value, parsed, options);
  } catch (error) {
    return unexpected(error);
  }
}

/** A bug, or a catalog that throws: still an answer, never an exception. */
function unexpected(error: unknown): ValidationResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    valid: false,
    errors: [{ path: '', message: `the workflow could not be validated: ${message}`, code: 'ATOM_ERR_SPEC_INVALID' }],
  };
}

function validateValue(value: unknown, parsed: ParsedDocument | null, options: ValidateOptions): ValidationResult {
  // First, and iteratively: everything after it recurses on the document.
  const maxNesting = options.maxNesting ?? DEFAULT_MAX_NESTING;
  const deep = tooDeepAt(value, maxNesting);
  if (deep !== null) {
    const message = `nested deeper than ${maxNesting} levels; ATOM_MAX_NESTING sets the limit`;
    return { valid: false, errors: toDetails([{ path: deep, message, code: 'ATOM_ERR_VALUE_TOO_DEEP' }], parsed) };
  }
  // A YAML "\0" (a JSON body with one is refused before it is parsed as a workflow).
  const nul = nulAt(value);
  if (nul !== null) {
    const message = 'a NUL character (\\0, \\u0000) is not allowed: PostgreSQL cannot store one';
    return { valid: false, errors: toDetails([{ path: nul, message, code: 'ATOM_ERR_VALUE_NUL' }], parsed) };
  }
  if (refersToItself(value)) {
    return {
      valid: false,
      errors: [{ path: '', message: 'the document contains itself', code: 'ATOM_ERR_SPEC_SCHEMA' }],
    };
  }
  const schema = workflowSchema.safeParse(value, { reportInput: true });
  const problems = schema.success ? [] : schemaProblems(schema.error.issues);
  const tree = buildStepTree(value);
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  if (tree.all.length > maxSteps) {
    const message = `the workflow has ${tree.all.length} steps; at most ${maxSteps} are allowed`;
    problems.push({ path: ['steps'], message, code: 'ATOM_ERR_SPEC_LIMIT' });
    return { valid: false, errors: toDetails(problems, parsed) };
  }
  problems.push(
    ...checkUniqueIds(tree),
    ...resolveNeeds(tree),
    ...checkCycles(tree),
    ...checkNodes(tree, options.catalog),
  );
  const compiled = compileTemplates(value, tree, options.catalog);
  problems.push(...compiled.problems, ...checkRefs(tree, compiled.templates));
  if (problems.length > 0 || !schema.success) return { valid: false, errors: toDetails(problems, parsed) };
  return { valid: true, errors: [], workflow: buildWorkflow(schema.data, tree, compiled.templates) };
}

function toDetails(problems: readonly Problem[], parsed: ParsedDocument | null): ErrorDetail[] {
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  for (const problem of problems) {
    const path = formatPath(problem.path);
    const key = `${problem.code}\u0000${path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const detail: ErrorDetail = { path, message: problem.message, code: problem.code };
    const position = parsed?.locate(problem.path, problem.offset);
    if (position) Object.assign(detail, position);
    details.push(detail);
  }
  if (parsed === null) return details;
  // Reading order: a person fixes a file top to bottom.
  return details.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function withCode(error: AtomError): ErrorDetail[] {
  return error.details.map((detail) => ({ ...detail, code: detail.code ?? error.code }));
}
