import { openRuntime } from '../runtime/open-runtime.js';
import { targetWorkspace } from '../runtime/target-workspace.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { printError } from './print-error.js';

/** `atom event NAME [--payload JSON] [--workspace W]`: wakes the workspace's `wait` steps waiting for it. */
export async function eventCommand(
  name: string,
  options: { data: string; payload?: string; workspace?: string },
): Promise<number> {
  let payload: unknown = null;
  if (options.payload !== undefined) {
    try {
      payload = JSON.parse(options.payload);
    } catch (error) {
      process.stderr.write(`error ATOM_ERR_CLI_USAGE: --payload is not JSON: ${(error as Error).message}\n`);
      return ExitCode.badInput;
    }
  }
  const runtime = await openRuntime({ dataDir: options.data });
  try {
    const workspace = await targetWorkspace(runtime.store, options.workspace);
    const woken = await runtime.engine.raiseEvent(name, payload, workspace.id);
    process.stdout.write(`event ${name} woke ${woken} waiting step${woken === 1 ? '' : 's'}\n`);
    if (woken > 0) process.stderr.write('`atom resume` continues the woken runs\n');
    return ExitCode.ok;
  } catch (error) {
    printError(error);
    return exitCodeOf(error);
  } finally {
    await runtime.close();
  }
}
