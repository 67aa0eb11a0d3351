import { AtomError } from '@atom/errors';
import { createProgressPrinter } from '../output/progress-printer.js';
import { describeEnd, runReport } from '../output/report.js';
import { openRuntime } from '../runtime/open-runtime.js';
import { parseInputs } from '../runtime/parse-inputs.js';
import { driveRuns } from '../runtime/run-driver.js';
import { ExitCode } from './exit-codes.js';
import { printError } from './print-error.js';
import { readDocument } from './read-document.js';

export interface RunCommandOptions {
  data: string;
  input: string[];
  inputJson?: string;
  json: boolean;
  /** Other workflow files to store first (targets of workflow.call). */
  register: string[];
}

/**
 * `atom run FILE`: stores the document as a workflow version in the data folder, starts a run,
 * executes it on the embedded worker showing each step, and prints the outputs.
 */
export async function runCommand(file: string, options: RunCommandOptions): Promise<number> {
  let text: string;
  let inputs: Record<string, unknown>;
  let others: Array<{ file: string; text: string }>;
  try {
    text = readDocument(file);
    others = options.register.map((other) => ({ file: other, text: readDocument(other) }));
    inputs = parseInputs(options.input, options.inputJson);
  } catch (error) {
    printError(error);
    return ExitCode.badInput;
  }
  const runtime = await openRuntime({ dataDir: options.data });
  try {
    let runId: string;
    for (const other of others) {
      try {
        await runtime.engine.registerWorkflow(other.text);
      } catch (error) {
        printError(error, other.file);
        return ExitCode.badInput;
      }
    }
    try {
      const registered = await runtime.engine.registerWorkflow(text);
      const run = await runtime.engine.startRun({
        workflow: registered.workflowId,
        version: registered.version,
        inputs,
        trigger: { kind: 'manual', source: 'cli', file },
      });
      runId = run.id;
      process.stderr.write(`run ${run.id} of ${run.workflowName} v${run.version}\n`);
    } catch (error) {
      printError(error, file);
      return error instanceof AtomError && error.status < 500 ? ExitCode.badInput : ExitCode.failed;
    }
    const printer = createProgressPrinter((line) => process.stderr.write(`${line}\n`));
    const { runs, interrupted } = await driveRuns(runtime, [runId], (events) =>
      printer.onEvents(events.filter((event) => event.runId === runId || event.type === 'run.created')),
    );
    const run = runs[0];
    if (!run) throw new AtomError('ATOM_ERR_RUN_NOT_FOUND', `run ${runId} disappeared`);
    process.stderr.write(`${describeEnd(run)}\n`);
    const report = await runReport(runtime.engine, run);
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else if (run.status === 'succeeded') process.stdout.write(`${JSON.stringify(report.outputs, null, 2)}\n`);
    if (interrupted) return ExitCode.interrupted;
    if (run.status === 'succeeded') return ExitCode.ok;
    if (run.status === 'failed' || run.status === 'cancelled') return ExitCode.failed;
    return ExitCode.unfinished;
  } finally {
    await runtime.close();
  }
}
