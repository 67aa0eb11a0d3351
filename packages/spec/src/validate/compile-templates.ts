/**
 * Compiles every expression of the document once, reporting every syntax error. The templates are
 * kept for the reference check and for the compiled workflow.
 */
import { AtomError } from '@atom/errors';
import { type CompiledTemplate, collectExpressions, compileTemplate } from '../expression/template.js';
import { isPlainObject } from '../model/json-value-schema.js';
import { formatPath, type PathSegment, parsePath } from '../path.js';
import type { NodeCatalog } from './node-catalog.js';
import type { Problem } from './problem.js';
import type { StepNode, StepTree } from './step-tree.js';

export interface StepTemplates {
  with: CompiledTemplate | null;
  if: CompiledTemplate | null;
  foreach: CompiledTemplate | null;
  cacheKey: CompiledTemplate | null;
  output: CompiledTemplate | null;
  compensateWith: CompiledTemplate | null;
}

export interface DocumentTemplates {
  steps: Map<StepNode, StepTemplates>;
  outputs: CompiledTemplate | null;
  /** Trigger fields holding expressions (webhook secret, event filter). */
  triggers: CompiledTemplate[];
}

export function compileTemplates(
  document: unknown,
  tree: StepTree,
  catalog: NodeCatalog,
): { templates: DocumentTemplates; problems: Problem[] } {
  const problems: Problem[] = [];
  const compiler = templateCompiler(problems);
  const steps = new Map<StepNode, StepTemplates>();
  for (const step of tree.all) steps.set(step, compileStep(step, catalog, compiler));
  const doc = isPlainObject(document) ? document : {};
  const outputs = isPlainObject(doc.outputs) ? compiler.compile(doc.outputs, ['outputs']) : null;
  compiler.noSecrets(outputs);
  const triggers = compileTriggers(doc.triggers, compiler);
  return { templates: { steps, outputs, triggers }, problems };
}

function compileStep(step: StepNode, catalog: NodeCatalog, compiler: TemplateCompiler): StepTemplates {
  const { raw, path } = step;
  const compensate = isPlainObject(raw.compensate) ? raw.compensate : null;
  const cache = isPlainObject(raw.cache) ? raw.cache : null;
  const templates = {
    with: isPlainObject(raw.with) ? compiler.compile(raw.with, [...path, 'with'], deferredOf(raw.uses, catalog)) : null,
    if: typeof raw.if === 'string' ? compiler.compileCondition(raw.if, [...path, 'if']) : null,
    foreach:
      typeof raw.foreach === 'string'
        ? compiler.compileCondition(raw.foreach, [...path, 'foreach'])
        : Array.isArray(raw.foreach)
          ? compiler.compile(raw.foreach, [...path, 'foreach'])
          : null,
    cacheKey: typeof cache?.key === 'string' ? compiler.compile(cache.key, [...path, 'cache', 'key']) : null,
    output: typeof raw.output === 'string' ? compiler.compile(raw.output, [...path, 'output']) : null,
    compensateWith: isPlainObject(compensate?.with)
      ? compiler.compile(compensate.with, [...path, 'compensate', 'with'], deferredOf(compensate.uses, catalog))
      : null,
  };
  for (const field of ['if', 'foreach', 'cacheKey', 'output'] as const) compiler.noSecrets(templates[field]);
  if (copiesInput(raw.uses, catalog)) compiler.noSecrets(templates.with, copyMessage(raw.uses as string));
  if (copiesInput(compensate?.uses, catalog)) {
    compiler.noSecrets(templates.compensateWith, copyMessage(compensate?.uses as string));
  }
  return templates;
}

function compileTriggers(triggers: unknown, compiler: TemplateCompiler): CompiledTemplate[] {
  if (!Array.isArray(triggers)) return [];
  const compiled: (CompiledTemplate | null)[] = [];
  triggers.forEach((trigger, index) => {
    if (!isPlainObject(trigger)) return;
    const { webhook, event } = trigger;
    if (isPlainObject(webhook) && isPlainObject(webhook.verify) && typeof webhook.verify.secret === 'string') {
      compiled.push(compiler.compile(webhook.verify.secret, ['triggers', index, 'webhook', 'verify', 'secret']));
    }
    if (isPlainObject(event) && typeof event.if === 'string') {
      const filter = compiler.compileCondition(event.if, ['triggers', index, 'event', 'if']);
      compiler.noSecrets(filter);
      compiled.push(filter);
    }
  });
  return compiled.filter((template) => template !== null);
}

function copiesInput(type: unknown, catalog: NodeCatalog): boolean {
  return typeof type === 'string' && catalog.has(type) && catalog.copiesInput?.(type) === true;
}

/** Why `$secrets` is refused in the `with` of a node that copies its input. */
function copyMessage(type: string): (source: string) => string {
  return (source) =>
    `$secrets cannot be read in the with of ${type}, which copies its input into its output, the log or an answer ("{{ ${source} }}"); pass the secret to the node that needs it`;
}

function deferredOf(type: unknown, catalog: NodeCatalog): readonly string[] {
  if (typeof type !== 'string' || !catalog.has(type)) return [];
  return catalog.deferredInputs?.(type) ?? [];
}

interface TemplateCompiler {
  compile(value: unknown, path: PathSegment[], deferredKeys?: readonly string[]): CompiledTemplate | null;
  /** `if`, `foreach` and event filters are one `{{ }}`: a plain string there would always be true. */
  compileCondition(text: string, path: PathSegment[]): CompiledTemplate | null;
  /**
   * `$secrets` is bound only where a node's input is resolved (`with`, `compensate.with`, a
   * webhook's `verify.secret`), so that secret values never flow into stored outputs or decisions.
   */
  noSecrets(template: CompiledTemplate | null, message?: (source: string) => string): void;
}

/** Compiles templates, turning syntax errors into problems (null template) instead of throwing. */
function templateCompiler(problems: Problem[]): TemplateCompiler {
  const compile: TemplateCompiler['compile'] = (value, path, deferredKeys = []) => {
    try {
      return compileTemplate(value, formatPath(path), { deferredKeys });
    } catch (error) {
      if (!(error instanceof AtomError)) throw error;
      for (const detail of error.details) {
        problems.push({
          path: parsePath(detail.path),
          message: detail.message,
          code: 'ATOM_ERR_SPEC_EXPRESSION',
          ...(detail.column === undefined ? {} : { offset: detail.column - 1 }),
        });
      }
      return null;
    }
  };
  const compileCondition: TemplateCompiler['compileCondition'] = (text, path) => {
    const template = compile(text, path);
    if (template === null || template.kind === 'expression') return template;
    problems.push({
      path,
      message: `expected one {{ }} expression, e.g. "{{ $steps.check.output.ok }}", got "${text}"`,
      code: 'ATOM_ERR_SPEC_EXPRESSION',
    });
    return null;
  };
  const noSecrets: TemplateCompiler['noSecrets'] = (template, message) => {
    if (template === null) return;
    for (const expression of collectExpressions(template)) {
      if (!expression.variables.includes('secrets')) continue;
      problems.push({
        path: parsePath(expression.path),
        message:
          message?.(expression.source) ??
          `$secrets can be read only in a step's with (or compensate.with), not in "{{ ${expression.source} }}"`,
        code: 'ATOM_ERR_SPEC_EXPRESSION',
      });
    }
  };
  return { compile, compileCondition, noSecrets };
}
