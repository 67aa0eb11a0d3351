import type { NodeContext, NodeDefinition } from '@atom/engine';
import { AtomError } from '@atom/errors';
import { z } from 'zod';
import { toInputIssues } from './input-issues.js';
import { suspensionOf } from './suspend.js';

/** Any zod object schema: strict, loose or stripping unknown keys. */
export type InputSchema = z.ZodObject<z.ZodRawShape, z.core.$ZodObjectConfig>;

/** What a node author writes: data plus one function, no classes and no `this`. */
export interface NodeSpec<S extends InputSchema> {
  /** `namespace.action` (`http.request`), or one word for a few built-ins (`transform`). */
  type: string;
  /** Bump it when a prop changes meaning or goes away. */
  version: number;
  title: string;
  description: string;
  /** The step's `with`; drives the JSON Schema (forms, LLM) and the type of `ctx.input`. */
  input: S;
  /** Top-level `with` keys whose `{{ }}` text reaches `run` unevaluated. */
  deferredInputs?: readonly (keyof S['shape'] & string)[];
  /** A run event the engine appends with the node's output each time a step of it succeeds. */
  outputEvent?: string;
  /** The node copies its input into its output, a log, an answer or an error: `$secrets` is refused in its `with`. */
  copiesInput?: boolean;
  /**
   * True only for a pure node: its output depends on its input alone, it does no I/O and has no
   * effect outside the step, and it is quick. The engine may run it inside a commit (ADR 0012).
   */
  local?: boolean;
  /** Returns the step's output, or `suspend(...)` to park the run. */
  run: (ctx: NodeContext<z.output<S>>) => Promise<unknown>;
}

const NODE_TYPE = /^[a-z][a-z0-9-]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;
const OUTPUT_EVENT = /^run\.[a-z][a-z0-9_.]*$/;

/**
 * Turns a node spec into the engine's NodeDefinition: the input schema as JSON Schema (draft
 * 2020-12), zod validation with `{ path, message }` issues, and a `run` whose plain return value
 * becomes the step output (`undefined` → `null`) and whose `suspend(...)` value parks the run.
 *
 * `ctx.input` is the value `parseInput` returned (the engine parses, then runs), so defaults are
 * applied and types hold.
 *
 * @example
 * export const greet = defineNode({
 *   type: 'demo.greet', version: 1, title: 'Greet', description: 'Says hello.',
 *   input: z.object({ name: z.string() }),
 *   run: async (ctx) => ({ text: `Hello ${ctx.input.name}` }),
 * });
 */
export function defineNode<S extends InputSchema>(spec: NodeSpec<S>): NodeDefinition {
  checkSpec(spec.type, spec.version, spec.deferredInputs ?? [], spec.input.shape, spec.outputEvent);
  const inputSchema = z.toJSONSchema(spec.input, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return Object.freeze({
    type: spec.type,
    version: spec.version,
    title: spec.title,
    description: spec.description,
    inputSchema,
    deferredInputs: Object.freeze([...(spec.deferredInputs ?? [])]),
    ...(spec.outputEvent === undefined ? {} : { outputEvent: spec.outputEvent }),
    ...(spec.copiesInput ? { copiesInput: true } : {}),
    ...(spec.local === true ? { local: true } : {}),
    parseInput(input: unknown) {
      const result = spec.input.safeParse(input);
      return result.success
        ? { ok: true as const, value: result.data }
        : { ok: false as const, issues: toInputIssues(result.error.issues) };
    },
    async run(ctx: NodeContext) {
      // The engine hands `run` the value parseInput produced, so this narrowing is the contract.
      const result = await spec.run(ctx as NodeContext<z.output<S>>);
      const suspension = suspensionOf(result);
      if (suspension) return { type: 'suspend' as const, suspension };
      return { type: 'output' as const, output: result === undefined ? null : result };
    },
  });
}

// A malformed definition is a bug in Atom or in a connector, found when the module loads.
function checkSpec(
  type: string,
  version: number,
  deferred: readonly string[],
  shape: object,
  outputEvent: string | undefined,
): void {
  const bad = (why: string) => new AtomError('ATOM_ERR_INTERNAL', `node "${type}": ${why}`);
  if (!NODE_TYPE.test(type)) throw bad('type must look like `namespace.action`');
  if (!Number.isInteger(version) || version < 1) throw bad('version must be a positive integer');
  for (const key of deferred) {
    if (!(key in shape)) throw bad(`deferred input "${key}" is not an input field`);
  }
  // It lands in the run's event log next to the engine's own run events.
  if (outputEvent !== undefined && !OUTPUT_EVENT.test(outputEvent))
    throw bad('outputEvent must look like `run.<name>`');
}
