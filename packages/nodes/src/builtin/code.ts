import type { NodeDefinition } from '@atom/engine';
import { AtomError } from '@atom/errors';
import { z } from 'zod';
import { defineNode } from '../kit/define-node.js';
import { runSandboxed, type SandboxLimits } from '../sandbox/run-sandboxed.js';

/** Limits of the `code` node: heap bytes and CPU milliseconds per call. */
export type CodeLimits = SandboxLimits;

/** 64 MiB and 5 s: room for reshaping large payloads, short enough not to stall a worker. */
export const DEFAULT_CODE_LIMITS: Readonly<CodeLimits> = Object.freeze({
  memoryBytes: 64 * 1024 * 1024,
  timeoutMs: 5_000,
});

/**
 * `code`: runs JavaScript in a WebAssembly QuickJS sandbox, with memory and time limits and no host
 * access. The code is the body of an async function of `input`; its return value (JSON) is the
 * output.
 */
export function createCodeNode(limits: CodeLimits): NodeDefinition {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new AtomError('ATOM_ERR_CONFIG_INVALID', `code node: ${name} must be a positive number, got ${value}`);
    }
  }
  const frozen = { memoryBytes: limits.memoryBytes, timeoutMs: limits.timeoutMs };
  return defineNode({
    type: 'code',
    version: 1,
    title: 'Code',
    description: 'Runs JavaScript in a sandbox (no network, files or timers); what it returns is the output.',
    input: z.strictObject({
      code: z
        .string()
        .min(1)
        .describe('Body of a function of `input`, e.g. `return input.items.filter((i) => i.ok)`; `await` is allowed.'),
      input: z.unknown().optional().describe('JSON value passed to the code as `input`.'),
    }),
    run: async (ctx) => runSandboxed(ctx.input.code, ctx.input.input ?? null, frozen, ctx.signal),
  });
}
