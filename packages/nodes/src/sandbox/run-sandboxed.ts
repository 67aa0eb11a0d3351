/**
 * Runs user JavaScript in QuickJS (WebAssembly) with no host access: nothing of Node (process,
 * require, fetch, timers, files, network) is bridged in. In: the body of an async function of
 * `input`, a JSON input and limits. Out: the JSON value it returns.
 */
import { AtomError } from '@atom/errors';
import type { QuickJSContext } from 'quickjs-emscripten';
import { newSandboxModule } from './quickjs-instance.js';
import { type FailureContext, hostFailure, vmFailure } from './sandbox-failure.js';

export interface SandboxLimits {
  /** Heap the code may use, on top of the engine's own 16 MiB. */
  memoryBytes: number;
  /** CPU time before the code is interrupted. */
  timeoutMs: number;
}

// QuickJS's frames also use the host's native stack (WebAssembly runs on it); past ~400 KiB of
// QuickJS stack, V8's own stack overflows first and leaves the instance unusable. 256 KiB allows
// about 1,300 nested calls and fails cleanly with "stack overflow".
const MAX_STACK_BYTES = 256 * 1024;

// Evaluated as a script. It takes the source and input from globals and deletes them before the
// user's code runs; building the function with the AsyncFunction constructor keeps the source from
// closing the wrapper's own syntax, and lets the code use `await` (only on in-sandbox promises).
const WRAPPER = `(() => {
  const source = globalThis.__atomSource;
  const inputJson = globalThis.__atomInput;
  delete globalThis.__atomSource;
  delete globalThis.__atomInput;
  const stringify = JSON.stringify;
  const AsyncFunction = (async () => {}).constructor;
  const onlyJson = (key, value) => {
    const kind = typeof value;
    if (kind === 'function' || kind === 'symbol') {
      throw new TypeError('the code must return JSON, not a ' + kind + (key === '' ? '' : ' (at "' + key + '")'));
    }
    return value;
  };
  const body = new AsyncFunction('input', source);
  return body(JSON.parse(inputJson)).then((value) => stringify(value === undefined ? null : value, onlyJson));
})()`;

/**
 * Runs `source` as `async function (input) { <source> }` in a new instance and returns its JSON
 * result (`undefined` → null). Throws ATOM_ERR_CODE_TIMEOUT, _CODE_MEMORY or _CODE_ERROR.
 *
 * The code runs on the calling thread: for up to `timeoutMs` the event loop waits.
 */
export async function runSandboxed(
  source: string,
  input: unknown,
  limits: SandboxLimits,
  signal: AbortSignal,
): Promise<unknown> {
  const module = await newSandboxModule(limits.memoryBytes);
  const failure: FailureContext = { stop: null, limits, abortReason: undefined };
  const runtime = module.newRuntime();
  const vm = runtime.newContext();
  try {
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(MAX_STACK_BYTES);
    const deadline = performance.now() + limits.timeoutMs;
    runtime.setInterruptHandler(() => {
      // The code runs synchronously, so only an abort that came before it started can be seen here.
      if (signal.aborted) {
        failure.stop = 'aborted';
        failure.abortReason = signal.reason;
      } else if (performance.now() > deadline) {
        failure.stop = 'timeout';
      }
      return failure.stop !== null;
    });
    return evaluate(vm, source, input, failure);
  } catch (error) {
    throw error instanceof AtomError ? error : hostFailure(error, failure);
  } finally {
    // The whole instance is dropped after this call, so a dispose that fails (QuickJS asserts when
    // a stack overflow left objects behind) cannot leak into the next call.
    quietly(() => vm.dispose());
    quietly(() => runtime.dispose());
  }
}

function evaluate(vm: QuickJSContext, source: string, input: unknown, failure: FailureContext): unknown {
  setGlobalString(vm, '__atomSource', source);
  setGlobalString(vm, '__atomInput', JSON.stringify(input ?? null));
  const started = vm.evalCode(WRAPPER, 'atom-code.js');
  if (started.error) throw vmFailure(vm, started.error, failure);
  const promise = started.value;
  try {
    // No host promise is ever bridged in, so draining the job queue settles the code's promise.
    const jobs = vm.runtime.executePendingJobs();
    if (jobs.error) throw vmFailure(vm, jobs.error, failure);
    const state = vm.getPromiseState(promise);
    if (state.type === 'rejected') throw vmFailure(vm, state.error, failure);
    if (state.type === 'pending') {
      throw new AtomError('ATOM_ERR_CODE_ERROR', 'the code awaited a promise that never settles', { retryable: false });
    }
    try {
      return JSON.parse(vm.getString(state.value));
    } finally {
      state.value.dispose();
    }
  } finally {
    promise.dispose();
  }
}

function setGlobalString(vm: QuickJSContext, name: string, value: string): void {
  const handle = vm.newString(value);
  try {
    vm.setProp(vm.global, name, handle);
  } finally {
    handle.dispose();
  }
}

function quietly(dispose: () => void): void {
  try {
    dispose();
  } catch {
    // See runSandboxed: the instance is discarded either way.
  }
}
