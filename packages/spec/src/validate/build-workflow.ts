/** Builds the CompiledWorkflow of a valid document: defaults applied, needs resolved, templates attached. */
import { canonicalHash } from '../canonical-json.js';
import type { CompiledScope, CompiledStep, CompiledWorkflow, RetryPolicy } from '../compiled-workflow.js';
import { parseDuration } from '../duration.js';
import { type CompiledTemplate, compileTemplate, templateRefs } from '../expression/template.js';
import type { RetryDocument } from '../model/retry-model.js';
import type { StepDocument } from '../model/step-model.js';
import type { WorkflowDocument } from '../model/workflow-model.js';
import { formatPath } from '../path.js';
import type { DocumentTemplates, StepTemplates } from './compile-templates.js';
import type { ScopeNode, StepNode, StepTree } from './step-tree.js';

const DEFAULT_RETRY: RetryPolicy = {
  attempts: 1,
  backoff: 'exponential',
  delayMs: 1000,
  maxDelayMs: 300_000,
  jitter: false,
};
const DEFAULT_TIMEOUT_MS = 300_000;
const DEFAULT_CONCURRENCY = 10;
const DEFAULT_CACHE_TTL_MS = 3_600_000;

export function buildWorkflow(
  document: WorkflowDocument,
  tree: StepTree,
  templates: DocumentTemplates,
): CompiledWorkflow {
  const steps = new Map<string, CompiledStep>();
  const retry = mergeRetry(DEFAULT_RETRY, document.defaults?.retry);
  const timeoutMs =
    document.defaults?.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(document.defaults.timeout);

  const buildScope = (scope: ScopeNode, docs: readonly StepDocument[]): CompiledScope => ({
    owner: scope.owner?.id ?? null,
    steps: scope.steps.map((node, index) => buildStep(node, docs[index] as StepDocument)),
  });
  const buildStep = (node: StepNode, doc: StepDocument): CompiledStep => {
    const compiled = compileStep(node, doc, templates.steps.get(node) as StepTemplates, retry, timeoutMs);
    // Set before the children, so the map lists steps in document order.
    steps.set(doc.id, compiled);
    compiled.children = node.children !== null && doc.steps !== undefined ? buildScope(node.children, doc.steps) : null;
    return compiled;
  };

  const root = buildScope(tree.root, document.steps);
  const onFailure =
    tree.onFailure !== null && document.onFailure !== undefined ? buildScope(tree.onFailure, document.onFailure) : null;
  return {
    name: document.name,
    document,
    hash: canonicalHash(document),
    root,
    onFailure,
    outputs: templates.outputs,
    inputs: document.inputs ?? null,
    steps,
  };
}

function compileStep(
  node: StepNode,
  doc: StepDocument,
  templates: StepTemplates,
  defaultRetry: RetryPolicy,
  defaultTimeoutMs: number,
): CompiledStep {
  const withTemplate = templates.with ?? compileTemplate({}, formatPath([...node.path, 'with']));
  const compensate =
    doc.compensate === undefined
      ? null
      : {
          uses: doc.compensate.uses,
          with: templates.compensateWith ?? compileTemplate({}, formatPath([...node.path, 'compensate', 'with'])),
          connection: doc.compensate.connection ?? null,
        };
  const all = [withTemplate, templates.if, templates.foreach, templates.cacheKey, templates.output, compensate?.with];
  return {
    id: doc.id,
    name: doc.name ?? null,
    description: doc.description ?? null,
    uses: doc.uses ?? null,
    children: null,
    ancestors: node.ancestors.map((ancestor) => ancestor.id as string),
    inOnFailure: node.scope.inOnFailure,
    index: node.index,
    needs: node.needs.map((need) => need.id as string),
    if: templates.if,
    foreach: templates.foreach,
    concurrency: doc.concurrency ?? DEFAULT_CONCURRENCY,
    with: withTemplate,
    connection: doc.connection ?? null,
    retry: mergeRetry(defaultRetry, doc.retry),
    timeoutMs: doc.timeout === undefined ? defaultTimeoutMs : parseDuration(doc.timeout),
    onError: doc.onError ?? 'fail',
    compensate,
    cache: cacheOf(doc.cache, templates.cacheKey),
    output: templates.output,
    refs: [...new Set(all.flatMap((template) => (template ? templateRefs(template) : [])))],
  };
}

function mergeRetry(base: RetryPolicy, retry: RetryDocument | undefined): RetryPolicy {
  if (retry === undefined) return base;
  return {
    attempts: retry.attempts ?? base.attempts,
    backoff: retry.backoff ?? base.backoff,
    delayMs: retry.delay === undefined ? base.delayMs : parseDuration(retry.delay),
    maxDelayMs: retry.maxDelay === undefined ? base.maxDelayMs : parseDuration(retry.maxDelay),
    jitter: retry.jitter ?? base.jitter,
  };
}

function cacheOf(cache: StepDocument['cache'], key: CompiledTemplate | null): CompiledStep['cache'] {
  if (cache === undefined) return null;
  if (cache === true) return { ttlMs: DEFAULT_CACHE_TTL_MS, key: null };
  return { ttlMs: cache.ttl === undefined ? DEFAULT_CACHE_TTL_MS : parseDuration(cache.ttl), key };
}
