/**
 * Prepares a data folder (or DATABASE_URL database) the way an operator would, with the CLI:
 * migrate, create an operator user and an API token, import one workflow file. Returns the token.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli-process.js';

export async function prepareData(data: string, env: Record<string, string>, workflowYaml: string): Promise<string> {
  const step = async (args: string[], stdin?: string) => {
    const result = await runCli([...args, '--data', data], env, stdin);
    if (result.code !== 0) throw new Error(`atom ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  await step(['migrate']);
  await step(['users', 'create', '--email', 'op@example.test', '--role', 'operator'], 'long enough pw\n');
  const token = (await step(['tokens', 'create', '--email', 'op@example.test', '--name', 'test'])).trim();
  const file = join(data, '..', 'workflow.yaml');
  writeFileSync(file, workflowYaml);
  await step(['workflows', 'import', file]);
  return token;
}
