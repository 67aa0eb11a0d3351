import { AtomError, formatDetail } from '@atom/errors';

/** Prints an error the way every command does: code, message, then one line per detail. */
export function printError(error: unknown, file?: string): void {
  if (error instanceof AtomError) {
    process.stderr.write(`error ${error.code}: ${error.message}\n`);
    for (const detail of error.details) process.stderr.write(`  ${formatDetail(detail, file)}\n`);
    return;
  }
  process.stderr.write(
    `error ATOM_ERR_INTERNAL: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
}
