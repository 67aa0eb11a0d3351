export { canonicalHash, canonicalJson } from './canonical-json.js';
export type {
  CompiledScope,
  CompiledStep,
  CompiledWorkflow,
  JsonSchema,
  RetryPolicy,
} from './compiled-workflow.js';
export { DURATION_PATTERN, parseDuration } from './duration.js';
export { type CompiledExpression, compileExpression } from './expression/compile-expression.js';
export { evaluateCondition, evaluateExpression, evaluateTemplate } from './expression/evaluate-template.js';
export type { ExpressionBindings, ExpressionLimits, StepBinding } from './expression/expression-bindings.js';
export { jsonataBoolean } from './expression/jsonata-boolean.js';
export { isExpression } from './expression/scan-template.js';
export {
  type CompiledTemplate,
  compileTemplate,
  type TemplateOptions,
  templateRefs,
} from './expression/template.js';
export { WORKFLOW_SCHEMA_ID, workflowJsonSchema } from './model/json-schema-export.js';
export { NODE_TYPE_PATTERN, STEP_ID_PATTERN, WEBHOOK_PATH_PATTERN, WORKFLOW_NAME_PATTERN } from './model/patterns.js';
export { type RetryDocument, retrySchema } from './model/retry-model.js';
export { type StepDocument, stepSchema } from './model/step-model.js';
export {
  type EventTriggerDocument,
  type ScheduleTriggerDocument,
  type TriggerDocument,
  triggerSchema,
  type WebhookTriggerDocument,
} from './model/trigger-model.js';
export { type WorkflowDocument, workflowSchema } from './model/workflow-model.js';
export { assertNesting, DEFAULT_MAX_NESTING, tooDeepAt } from './nesting.js';
export { assertNoNul, jsonHoldsNul, nulAt, nulError } from './nul.js';
export { type ParsedDocument, parseDocument } from './parse/parse-document.js';
export type { SourcePosition } from './parse/source-position.js';
export { appendPath, formatPath, type PathSegment, parsePath } from './path.js';
export { checkInput, type InputIssue as SchemaIssue } from './validate/input-schema-check.js';
export { type CatalogEntry, createNodeCatalog, type NodeCatalog } from './validate/node-catalog.js';
export {
  compileWorkflow,
  type ValidateOptions,
  type ValidationResult,
  validateWorkflow,
} from './validate/validate-workflow.js';
