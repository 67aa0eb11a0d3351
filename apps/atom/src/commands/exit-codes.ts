import { AtomError } from '@atom/errors';

/** Exit codes of the atom command (docs/cli.md). */
export const ExitCode = {
  ok: 0,
  /** The run failed or was cancelled; `validate`: the document is invalid. */
  failed: 1,
  /** Bad input: unreadable file, invalid document or inputs, bad flags, unknown run. */
  badInput: 2,
  /** The run has not ended: it waits for an event, an approval or a child run. */
  unfinished: 3,
  interrupted: 130,
} as const;

const BAD_INPUT = new Set(['ATOM_ERR_CLI_USAGE', 'ATOM_ERR_CONFIG_INVALID', 'ATOM_ERR_WORKSPACE_NOT_FOUND']);

/** The exit code of a command that stopped on `error`: bad flags, bad configuration, or an unknown workspace, is bad input. */
export function exitCodeOf(error: unknown): number {
  return error instanceof AtomError && BAD_INPUT.has(error.code) ? ExitCode.badInput : ExitCode.failed;
}
