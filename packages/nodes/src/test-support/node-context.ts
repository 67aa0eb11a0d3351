/**
 * Builds the NodeContext the engine would pass, so tests call nodes through their NodeDefinition
 * exactly as the engine does: parseInput first, then run with the parsed value.
 */
import type { NodeContext, NodeDefinition, NodeOutcome, ResumeInfo } from '@atom/engine';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data?: unknown;
}

export interface ContextOptions {
  resume?: ResumeInfo | null;
  /** Fixed clock value in ms; defaults to 2025-01-01T00:00:00Z. */
  now?: number;
  signal?: AbortSignal;
  attempt?: number;
}

export const TEST_NOW = Date.parse('2025-01-01T00:00:00Z');

/** A context for one step of a fake run; `logs` collects what the node logged. */
export function nodeContext<I>(input: I, options: ContextOptions = {}): { ctx: NodeContext<I>; logs: LogEntry[] } {
  const logs: LogEntry[] = [];
  const ctx: NodeContext<I> = {
    input,
    run: { id: 'run_1', workflow: 'test-workflow', version: 1 },
    step: { key: 'step', id: 'step', attempt: options.attempt ?? 1, idempotencyKey: 'run_1/step' },
    signal: options.signal ?? new AbortController().signal,
    now: () => options.now ?? TEST_NOW,
    log: (level, message, data) => logs.push(data === undefined ? { level, message } : { level, message, data }),
    resume: options.resume ?? null,
  };
  return { ctx, logs };
}

/** Parses `input` with the node (throwing on issues, like the engine) and runs it. */
export async function callNode(
  node: NodeDefinition,
  input: unknown,
  options: ContextOptions = {},
): Promise<NodeOutcome & { logs: LogEntry[] }> {
  const parsed = node.parseInput(input);
  if (!parsed.ok) throw new Error(`input rejected: ${JSON.stringify(parsed.issues)}`);
  const { ctx, logs } = nodeContext(parsed.value, options);
  const outcome = await node.run(ctx);
  return { ...outcome, logs };
}

/** The output of a node that must not suspend. */
export async function outputOf(node: NodeDefinition, input: unknown, options: ContextOptions = {}): Promise<unknown> {
  const outcome = await callNode(node, input, options);
  if (outcome.type !== 'output') throw new Error(`expected an output, got ${JSON.stringify(outcome)}`);
  return outcome.output;
}

/** The error a node throws, so tests can assert on its code and flags. */
export async function errorOf(node: NodeDefinition, input: unknown, options: ContextOptions = {}): Promise<unknown> {
  try {
    await callNode(node, input, options);
  } catch (error) {
    return error;
  }
  throw new Error('expected the node to throw');
}
