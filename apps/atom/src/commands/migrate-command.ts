import { reported, usingStore } from './command-frame.js';
import { ExitCode } from './exit-codes.js';

/** `atom migrate`: brings the store's schema (SQLite file or DATABASE_URL) to this version. */
export function migrateCommand(options: { data: string }): Promise<number> {
  return reported(() =>
    usingStore(options.data, async ({ where }) => {
      process.stdout.write(`${where}: schema is up to date\n`);
      return ExitCode.ok;
    }),
  );
}
