/**
 * The frame the one-shot commands share: what a command throws is printed (print-error.ts) and
 * becomes its exit code, and the store it opens is closed whatever happens.
 *
 * @example
 * return reported(() => usingStore(options.data, async ({ store, where }) => { …; return ExitCode.ok; }));
 */
import { AtomError } from '@atom/errors';
import { type AtomConfig, readConfig } from '../runtime/env-config.js';
import { type OpenedStore, openStore } from '../runtime/open-store.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { printError } from './print-error.js';

/** Runs `body`; an error is printed, and is bad input when its code is in `badInput`, else as exitCodeOf says. */
export async function reported(body: () => Promise<number>, badInput: readonly string[] = []): Promise<number> {
  try {
    return await body();
  } catch (error) {
    printError(error);
    return error instanceof AtomError && badInput.includes(error.code) ? ExitCode.badInput : exitCodeOf(error);
  }
}

/** Opens the store of `dataDir` (or DATABASE_URL's), runs `fn` with it, and closes it after. */
export async function usingStore<T>(
  dataDir: string,
  fn: (opened: OpenedStore) => Promise<T>,
  config: AtomConfig = readConfig(),
): Promise<T> {
  const opened = await openStore(config, dataDir);
  try {
    return await fn(opened);
  } finally {
    await opened.store.close();
  }
}
