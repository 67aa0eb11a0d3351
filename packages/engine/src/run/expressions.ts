/** The engine's single door to expression evaluation, with the configured limits. */
import { type CompiledTemplate, evaluateCondition, evaluateTemplate } from '@atom/spec';
import type { StepBindings } from './bindings.js';
import type { EngineServices } from './unit.js';

function limits(services: EngineServices) {
  return { timeoutMs: services.options.expressionTimeoutMs, maxDepth: services.options.expressionMaxDepth };
}

export function evaluate(services: EngineServices, template: CompiledTemplate, bindings: StepBindings) {
  return evaluateTemplate(template, bindings, limits(services));
}

export function evaluateIf(services: EngineServices, template: CompiledTemplate, bindings: StepBindings) {
  return evaluateCondition(template, bindings, limits(services));
}
