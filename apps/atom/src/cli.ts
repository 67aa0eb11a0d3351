/**
 * The `atom` command line (docs/cli.md). Every command takes `--data DIR` (default ./data), the
 * folder holding the embedded database and blobs.
 */
import { workflowJsonSchema } from '@atom/spec';
import { Command, CommanderError } from 'commander';
import type { DoctorOptions } from './commands/doctor-command.js';
import { eventCommand } from './commands/event-command.js';
import { ExitCode, exitCodeOf } from './commands/exit-codes.js';
import { migrateCommand } from './commands/migrate-command.js';
import { printError } from './commands/print-error.js';
import { resumeCommand } from './commands/resume-command.js';
import { type RunCommandOptions, runCommand } from './commands/run-command.js';
import type { StartOptions } from './commands/start-command.js';
import type { TokenOptions } from './commands/user-commands.js';
import { validateCommand } from './commands/validate-command.js';
import { type ExportOptions, exportCommand, importCommand } from './commands/workflow-commands.js';
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
    .command('start')
    .description('run the HTTP server (API, webhooks, schedules) with the embedded worker')
    .option('--data <dir>', 'data folder', './data')
    .option('--port <port>', 'port to listen on', process.env.ATOM_PORT ?? '5058')
    .option('--host <host>', 'address to bind (0.0.0.0 to expose)', process.env.ATOM_HOST ?? '127.0.0.1')
    .option('--no-worker', 'run no worker in this process (workers run elsewhere)')
    .option('--concurrency <n>', 'steps the embedded worker runs at once')
    .action(async (options: StartOptions) => {
      // The server (Fastify and the rest) loads only for the commands that need it.
      const { startCommand } = await import('./commands/start-command.js');
      code = await startCommand(options);
    });

  program
    .command('worker')
    .description('run a worker only: claims and runs steps from the database (no server)')
    .option('--data <dir>', 'data folder', './data')
    .option('--concurrency <n>', 'steps run at once')
    .action(async (options: { data: string; concurrency?: string }) => {
      const { workerCommand } = await import('./commands/worker-command.js');
      code = await workerCommand(options);
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
    .option('--workspace <slug>', 'workspace to act in (default: $ATOM_WORKSPACE, else default)')
    .action(async (name: string, options: { data: string; payload?: string; workspace?: string }) => {
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
    .command('doctor')
    .description('print the effective configuration and check every dependency (changes nothing)')
    .option('--data <dir>', 'data folder', './data')
    .option('--port <port>', 'port `atom start` would listen on', process.env.ATOM_PORT ?? '5058')
    .option('--host <host>', 'address `atom start` would bind', process.env.ATOM_HOST ?? '127.0.0.1')
    .option('--json', 'print the configuration and the checks as JSON')
    .action(async (options: DoctorOptions) => {
      const { doctorCommand } = await import('./commands/doctor-command.js');
      code = await doctorCommand(options);
    });

  const users = program.command('users').description('manage users');
  users
    .command('create')
    .description('create a user; the password is read from stdin')
    .requiredOption('--email <email>', 'email address (the login)')
    .requiredOption('--role <role>', 'owner, admin, editor, operator or viewer')
    .option('--workspace <slug>', 'workspace to act in (default: $ATOM_WORKSPACE, else default)')
    .option('--data <dir>', 'data folder', './data')
    .action(async (options: { data: string; email: string; role: string; workspace?: string }) => {
      const { createUserCommand } = await import('./commands/user-commands.js');
      code = await createUserCommand(options);
    });

  const tokens = program.command('tokens').description('manage API tokens');
  tokens
    .command('create')
    .description('create an API token for a user; prints it once (it is stored hashed)')
    .requiredOption('--email <email>', "the user's email")
    .requiredOption('--name <name>', 'what the token is for')
    .option('--expires-days <days>', 'expire after this many days (never by default)')
    .option('--role <role>', "narrow the token to a role below the user's (the user's role by default)")
    .option('--workspace <slug>', 'workspace to act in (default: $ATOM_WORKSPACE, else default)')
    .option('--data <dir>', 'data folder', './data')
    .action(async (options: TokenOptions) => {
      const { createTokenCommand } = await import('./commands/user-commands.js');
      code = await createTokenCommand(options);
    });

  const workspace = program.command('workspace').description('the workspaces of the installation');
  workspace
    .command('create')
    .description('create a workspace with an existing user as its owner')
    .requiredOption('--slug <slug>', 'its unique name in headers, URLs and --workspace (a-z, 0-9, -)')
    .option('--name <name>', 'its display name (default: the slug)')
    .requiredOption('--owner <email>', 'the user who owns it')
    .option('--data <dir>', 'data folder', './data')
    .action(async (options: { data: string; slug: string; name?: string; owner: string }) => {
      const { createWorkspaceCommand } = await import('./commands/workspace-commands.js');
      code = await createWorkspaceCommand(options);
    });
  workspace
    .command('list')
    .description('every workspace: slug, name and how many members')
    .option('--json', 'print them as JSON')
    .option('--data <dir>', 'data folder', './data')
    .action(async (options: { data: string; json?: boolean }) => {
      const { listWorkspacesCommand } = await import('./commands/workspace-commands.js');
      code = await listWorkspacesCommand(options);
    });

  const keys = program.command('keys').description('the key that encrypts secrets at rest');
  keys
    .command('generate')
    .description('print a new random key (32 bytes, base64) for ATOM_ENCRYPTION_KEY')
    .action(async () => {
      const { generateKeyCommand } = await import('./commands/keys-command.js');
      code = generateKeyCommand();
    });
  keys
    .command('rotate')
    .description('re-seal every stored secret with the active key (old keys listed as old keys)')
    .option('--data <dir>', 'data folder', './data')
    .action(async (options: { data: string }) => {
      const { rotateKeysCommand } = await import('./commands/keys-command.js');
      code = await rotateKeysCommand(options);
    });

  program
    .command('stats')
    .description('runs per minute, success rate, step durations, slowest node types, queue and workers')
    .option('--minutes <n>', 'length of the window, ending now', '60')
    .option('--json', 'print the figures as JSON (the answer of GET /api/v1/stats)')
    .option('--data <dir>', 'data folder', './data')
    .action(async (options: { data: string; minutes: string; json?: boolean }) => {
      const { statsCommand } = await import('./commands/stats-command.js');
      code = await statsCommand(options);
    });

  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('check the chain: reports edited, deleted or inserted rows (exit 1 when any)')
    .option('--workspace <slug>', 'workspace to act in (default: $ATOM_WORKSPACE, else default)')
    .option('--data <dir>', 'data folder', './data')
    .action(async (options: { data: string; workspace?: string }) => {
      const { auditVerifyCommand } = await import('./commands/audit-command.js');
      code = await auditVerifyCommand(options);
    });

  program
    .command('prune')
    .description("delete finished runs older than the workspace's retention (steps, events, blobs)")
    .option('--dry-run', 'count what would be deleted, delete nothing')
    .option('--json', 'print the report as JSON')
    .option('--workspace <slug>', 'workspace to act in (default: $ATOM_WORKSPACE, else default)')
    .option('--data <dir>', 'data folder', './data')
    .action(async (options: { data: string; dryRun?: boolean; json?: boolean; workspace?: string }) => {
      const { pruneCommand } = await import('./commands/prune-command.js');
      code = await pruneCommand(options);
    });
  program
    .command('retention')
    .description('show or set how long finished runs are kept')
    .option('--days <n>', 'keep finished runs this many days')
    .option('--forever', 'keep finished runs for ever (no pruning)')
    .option('--workspace <slug>', 'workspace to act in (default: $ATOM_WORKSPACE, else default)')
    .option('--data <dir>', 'data folder', './data')
    .action(async (options: { data: string; days?: string; forever?: boolean; workspace?: string }) => {
      const { retentionCommand } = await import('./commands/prune-command.js');
      code = await retentionCommand(options);
    });

  const workflows = program.command('workflows').description('workflows as YAML files, for git');
  workflows
    .command('import')
    .argument('<path>', 'a workflow file, or a folder of .yaml/.yml/.json files')
    .description('store each file as the newest version of its workflow')
    .option('--workspace <slug>', 'workspace to act in (default: $ATOM_WORKSPACE, else default)')
    .option('--data <dir>', 'data folder', './data')
    .action(async (path: string, options: { data: string; workspace?: string }) => {
      code = await importCommand(path, options);
    });
  workflows
    .command('export')
    .argument('[name]', 'workflow name')
    .description('print a workflow as YAML (or write it with --out; --all --out DIR writes every workflow)')
    .option('--all', 'export every workflow', false)
    .option('--out <path>', 'file (or folder with --all) to write')
    .option('--workspace <slug>', 'workspace to act in (default: $ATOM_WORKSPACE, else default)')
    .option('--data <dir>', 'data folder', './data')
    .action(async (name: string | undefined, options: ExportOptions) => {
      code = await exportCommand(name, options);
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
