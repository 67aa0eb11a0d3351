import { formatDetail } from '@atom/errors';
import { createNodeCatalog, validateWorkflow } from '@atom/spec';
import { readConfig } from '../runtime/env-config.js';
import { createNodes } from '../runtime/node-setup.js';
import { ExitCode } from './exit-codes.js';
import { printError } from './print-error.js';
import { readDocument } from './read-document.js';

/** `atom validate FILE`: every error as `FILE:line:column path: message [code]`; exit 1 when invalid. */
export function validateCommand(file: string): number {
  let text: string;
  try {
    text = readDocument(file);
  } catch (error) {
    printError(error);
    return ExitCode.badInput;
  }
  const result = validateWorkflow(text, { catalog: createNodeCatalog(createNodes(readConfig()).list()) });
  if (!result.valid || !result.workflow) {
    for (const detail of result.errors) {
      process.stdout.write(`${formatDetail(detail, file)}${detail.code ? ` [${detail.code}]` : ''}\n`);
    }
    process.stdout.write(`${file}: ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}\n`);
    return ExitCode.failed;
  }
  process.stdout.write(`${file}: valid workflow "${result.workflow.name}" (${result.workflow.steps.size} steps)\n`);
  return ExitCode.ok;
}
