/** Maps whatever stopped sandboxed code to ATOM_ERR_CODE_TIMEOUT, _MEMORY or _ERROR. */
import { AtomError } from '@atom/errors';
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten';

export type StopReason = 'timeout' | 'aborted' | null;

export interface FailureContext {
  stop: StopReason;
  limits: { memoryBytes: number; timeoutMs: number };
  /** The step's abort reason, when the step itself was aborted. */
  abortReason: unknown;
}

// QuickJS's own words when an allocation is refused, or a string would pass its size limit.
const MEMORY_MESSAGES = /^(out of memory|string too long)$/;

/** The error for a value thrown inside the VM; disposes `handle`. */
export function vmFailure(vm: QuickJSContext, handle: QuickJSHandle, context: FailureContext): Error {
  const stopped = stopFailure(context);
  if (stopped) {
    handle.dispose();
    return stopped;
  }
  let thrown: unknown;
  try {
    // Reading the error allocates; lift QuickJS's own limit so a memory failure can still be read.
    vm.runtime.setMemoryLimit(-1);
    thrown = vm.dump(handle);
  } catch {
    return memoryFailure(context);
  } finally {
    handle.dispose();
  }
  const { name, message, stack: rawStack } = describe(thrown);
  const stack = rawStack === undefined ? undefined : userStack(rawStack);
  if (name === 'InternalError' && MEMORY_MESSAGES.test(message)) return memoryFailure(context);
  return new AtomError('ATOM_ERR_CODE_ERROR', `${name}: ${message}`, {
    retryable: false,
    ...(stack ? { data: { stack } } : {}),
  });
}

/** The error for a host-side exception while the VM ran (the host stack overflowed, …). */
export function hostFailure(error: unknown, context: FailureContext): Error {
  const stopped = stopFailure(context);
  if (stopped) return stopped;
  if (error instanceof RangeError) {
    return new AtomError('ATOM_ERR_CODE_ERROR', 'InternalError: stack overflow (recursion too deep)', {
      retryable: false,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AtomError('ATOM_ERR_CODE_ERROR', `the sandbox failed: ${message}`, { retryable: false });
}

function stopFailure(context: FailureContext): Error | null {
  if (context.stop === 'timeout') {
    return new AtomError(
      'ATOM_ERR_CODE_TIMEOUT',
      `the code ran longer than ${context.limits.timeoutMs} ms and was stopped`,
      {
        retryable: false,
      },
    );
  }
  if (context.stop === 'aborted') {
    return context.abortReason instanceof Error
      ? context.abortReason
      : new AtomError('ATOM_ERR_CODE_TIMEOUT', 'the code was stopped because the step was aborted', {
          retryable: false,
        });
  }
  return null;
}

function memoryFailure(context: FailureContext): AtomError {
  const mib = Math.round((context.limits.memoryBytes / 1024 / 1024) * 10) / 10;
  return new AtomError('ATOM_ERR_CODE_MEMORY', `the code used more than its memory limit of ${mib} MiB`, {
    retryable: false,
  });
}

// The user's code is the body of a function built with the AsyncFunction constructor: QuickJS names
// it `<input>` and its first line is line 3. Show the user's own line numbers, drop the wrapper's
// frames, and keep a runaway recursion from filling the error with thousands of frames.
const MAX_FRAMES = 10;
const BODY_LINE_OFFSET = 2;

function userStack(stack: string): string | undefined {
  const frames = stack
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.includes('atom-code.js'))
    .map((line) =>
      line.replace(/<input>:(\d+):(\d+)/, (_all, row: string, column: string) => {
        return `code:${Number(row) - BODY_LINE_OFFSET}:${column}`;
      }),
    );
  if (frames.length === 0) return undefined;
  const kept = frames.slice(0, MAX_FRAMES);
  if (frames.length > MAX_FRAMES) kept.push(`    … ${frames.length - MAX_FRAMES} more`);
  return kept.join('\n');
}

function describe(thrown: unknown): { name: string; message: string; stack: string | undefined } {
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown) {
    const error = thrown as { name?: unknown; message?: unknown; stack?: unknown };
    return {
      name: typeof error.name === 'string' ? error.name : 'Error',
      message: String(error.message),
      stack: typeof error.stack === 'string' && error.stack !== '' ? error.stack : undefined,
    };
  }
  return { name: 'Uncaught', message: JSON.stringify(thrown) ?? String(thrown), stack: undefined };
}
