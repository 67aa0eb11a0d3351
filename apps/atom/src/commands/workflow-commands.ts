/**
 * `atom workflows import DIR|FILE` and `atom workflows export NAME|--all [--out PATH]`: workflows
 * as YAML files, so they can live in git. Import stores each valid file as the newest version of
 * its workflow (an unchanged file adds no version) and reports every invalid one with
 * FILE:line:column; nothing of an invalid file is stored. Each version keeps the file's text, so
 * export writes back what was imported, comments, key order and blank lines included (a version
 * saved as a JSON document is printed as YAML instead). Export's first line says which version it
 * is, and import drops that line again, so a round trip through git adds no version.
 * Both act in one workspace: `--workspace`, ATOM_WORKSPACE, else `default`.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { AtomError, formatDetail } from '@atom/errors';
import { stringify } from 'yaml';
import { openRuntime } from '../runtime/open-runtime.js';
import { targetWorkspace } from '../runtime/target-workspace.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { printError } from './print-error.js';
import { readDocument } from './read-document.js';

const DOCUMENT_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** The first line export writes; import and export drop it from a text, so round trips do not stack it. */
const EXPORT_HEADER = /^# \S+, version \d+, exported by atom\r?\n/;

function filesOf(target: string): string[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(target);
  } catch {
    throw new AtomError('ATOM_ERR_FILE_READ', `cannot read ${target}: no such file or folder`);
  }
  if (!stat.isDirectory()) return [target];
  return readdirSync(target)
    .filter((name) => DOCUMENT_EXTENSIONS.has(extname(name)))
    .sort()
    .map((name) => join(target, name));
}

export interface ExportOptions {
  data: string;
  all: boolean;
  out?: string;
  workspace?: string;
}

export async function importCommand(target: string, options: { data: string; workspace?: string }): Promise<number> {
  try {
    const files = filesOf(target);
    const runtime = await openRuntime({ dataDir: options.data });
    let failed = 0;
    try {
      const workspace = await targetWorkspace(runtime.store, options.workspace);
      for (const file of files) {
        const text = readDocument(file);
        const result = runtime.engine.validate(text);
        if (!result.valid) {
          failed++;
          process.stderr.write(`${file}: invalid, not imported\n`);
          for (const detail of result.errors) process.stderr.write(`  ${formatDetail(detail, file)}\n`);
          continue;
        }
        // Without export's first line, so exporting and importing again adds no version.
        const stored = await runtime.engine.registerWorkflow(text.replace(EXPORT_HEADER, ''), workspace.id);
        const what = stored.created ? `version ${stored.version}` : `unchanged (version ${stored.version})`;
        process.stdout.write(`${file}: ${stored.workflow.name} ${what}\n`);
      }
    } finally {
      await runtime.close();
    }
    if (files.length === 0) process.stderr.write(`${target}: no .yaml, .yml or .json files\n`);
    return failed > 0 ? ExitCode.badInput : ExitCode.ok;
  } catch (error) {
    printError(error);
    return error instanceof AtomError && error.code === 'ATOM_ERR_FILE_READ' ? ExitCode.badInput : exitCodeOf(error);
  }
}

export async function exportCommand(name: string | undefined, options: ExportOptions): Promise<number> {
  try {
    if ((name === undefined) === !options.all) {
      throw new AtomError('ATOM_ERR_CLI_USAGE', 'name one workflow, or pass --all (with --out DIR)');
    }
    if (options.all && options.out === undefined) throw new AtomError('ATOM_ERR_CLI_USAGE', '--all needs --out DIR');
    const runtime = await openRuntime({ dataDir: options.data });
    try {
      const { id: workspaceId } = await targetWorkspace(runtime.store, options.workspace);
      const names: string[] = [];
      if (name !== undefined) names.push(name);
      else {
        let afterName: string | undefined;
        for (;;) {
          const page = await runtime.store.listWorkflows({
            workspaceId,
            limit: 200,
            ...(afterName ? { afterName } : {}),
          });
          names.push(...page.map((w) => w.name));
          if (page.length < 200) break;
          afterName = page.at(-1)?.name;
        }
        mkdirSync(options.out as string, { recursive: true });
      }
      for (const workflowName of names) {
        const record = await runtime.store.getWorkflowVersion(workflowName, undefined, workspaceId);
        if (!record) throw new AtomError('ATOM_ERR_WORKFLOW_NOT_FOUND', `no workflow is named "${workflowName}"`);
        const body = record.source?.replace(EXPORT_HEADER, '') ?? stringify(record.document);
        const text = `# ${record.name}, version ${record.version}, exported by atom\n${body}`;
        if (options.out === undefined) process.stdout.write(text);
        else {
          const path = options.all ? join(options.out, `${record.name}.yaml`) : options.out;
          writeFileSync(path, text);
          process.stderr.write(`${record.name} version ${record.version} → ${path}\n`);
        }
      }
    } finally {
      await runtime.close();
    }
    return ExitCode.ok;
  } catch (error) {
    printError(error);
    return error instanceof AtomError && ['ATOM_ERR_CLI_USAGE', 'ATOM_ERR_WORKFLOW_NOT_FOUND'].includes(error.code)
      ? ExitCode.badInput
      : exitCodeOf(error);
  }
}
