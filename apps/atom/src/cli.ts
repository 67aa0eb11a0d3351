/**
 * The `atom` command line (docs/cli.md). Every command takes `--data DIR` (default ./data), the
 * folder holding the embedded database and blobs.
 */
import { workflowJsonSchema } from '@atom/spec';
import { Command, CommanderError } from 'commander';
import { eventCommand } from './commands/event-command.js';
import { ExitCode, exitCodeOf } from './commands/exit-codes.js';
import { migrateCommand } from './commands/migrate-command.js';
import { printError } from './commands/print-error.js';
import { resumeCommand } from './commands/resume-command.js';
import { type RunCommandOptions, runCommand } from './commands/run-command.js';
import { validateCommand } from './commands/validate-command.js';
import { ATOM_VERSION } from './runtime/open-runtime.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export async function main(argv: readonly string[]): Promise<number> {
  let code: number = ExitCode.ok;
  const program = new Command()
    .name('atom')
    .description('Atom: durable workflow automation. Docs: docs/cli.md')
    .version(ATOM_VERSION)
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(`error ATOM_ERR_CLI_USAGE: ${text.replace(/^error: /, '')}`),
    });

  program
    .command('validate')
    .argument('<file>', 'workflow document (YAML or JSON)')
    .description('check a workflow document; lists every error as FILE:line:column path: message')
    .option('--data <dir>', 'data folder (unused; accepted for symmetry)', './data')
    .action((file: string) => {
      code = validateCommand(file);
    });

  program
    .command('run')
    .argument('<file>', 'workflow document (YAML or JSON)')
    .description('run a workflow on the embedded store, showing each step; prints its outputs')
    .option('--data <dir>', 'data folder', './data')
    .option('-i, --input <key=value>', 'a run input (repeatable; values parse as JSON when they can)', collect, [])
    .option('--input-json <json>', 'run inputs as one JSON object')
    .option(
      '--register <file>',
      'also store this workflow, e.g. the target of a workflow.call (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print the finished run as JSON on stdout', false)
    .action(async (file: string, options: RunCommandOptions) => {
      code = await runCommand(file, options);
    });

  program
    .command('resume')
    .argument('[runId]', 'one run to continue; all unfinished runs when omitted')
    .description('continue unfinished runs of the data folder where they stopped')
    .option('--data <dir>', 'data folder', './data')
    .option('--json', 'print the runs as JSON on stdout', false)
    .action(async (runId: string | undefined, options: { data: string; json: boolean }) => {
      code = await resumeCommand(runId, options);
    });

  program
    .command('event')
    .argument('<name>', 'event name')
    .description('raise an event for `wait` steps of the data folder')
    .option('--data <dir>', 'data folder', './data')
    .option('--payload <json>', 'event payload as JSON')
    .action(async (name: string, options: { data: string; payload?: string }) => {
      code = await eventCommand(name, options);
    });

  program
    .command('migrate')
    .description('bring the database schema (SQLite in --data, or DATABASE_URL) to this version')
    .option('--data <dir>', 'data folder', './data')
    .action(async (options: { data: string }) => {
      code = await migrateCommand(options);
    });

  program
    .command('schema')
    .description('print the JSON Schema (draft 2020-12) of the workflow format')
    .option('--data <dir>', 'data folder (unused)', './data')
    .action(() => {
      process.stdout.write(`${JSON.stringify(workflowJsonSchema(), null, 2)}\n`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    printError(error);
    return exitCodeOf(error);
  }
  return code;
}
