import { readConfig } from '../runtime/env-config.js';
import { openStore } from '../runtime/open-store.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { printError } from './print-error.js';

/** `atom migrate`: brings the store's schema (SQLite file or DATABASE_URL) to this version. */
export async function migrateCommand(options: { data: string }): Promise<number> {
  try {
    const { store, where } = await openStore(readConfig(), options.data);
    await store.close();
    process.stdout.write(`${where}: schema is up to date\n`);
    return ExitCode.ok;
  } catch (error) {
    printError(error);
    return exitCodeOf(error);
  }
}
