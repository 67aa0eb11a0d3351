import { createProgressPrinter } from '../output/progress-printer.js';
import { describeEnd, runReport } from '../output/report.js';
import { openRuntime } from '../runtime/open-runtime.js';
import { driveRuns } from '../runtime/run-driver.js';
import { ExitCode } from './exit-codes.js';

/**
 * `atom resume [RUN_ID]`: continues unfinished runs of the data folder (one, or all of them) from
 * where they stopped. Steps whose result was committed are never run again; steps that were
 * running when the process died run again (their attempt counts).
 */
export async function resumeCommand(
  runId: string | undefined,
  options: { data: string; json: boolean },
): Promise<number> {
  const runtime = await openRuntime({ dataDir: options.data });
  try {
    const { store } = runtime.engine;
    let targets: string[];
    if (runId !== undefined) {
      const run = await store.getRun(runId);
      if (!run) {
        process.stderr.write(`error ATOM_ERR_RUN_NOT_FOUND: no run has id ${runId} in ${runtime.dataDir}\n`);
        return ExitCode.badInput;
      }
      targets = [run.id];
    } else {
      const open = await store.listRuns({ status: ['queued', 'running', 'waiting'], parentRunId: null });
      targets = open.map((run) => run.id);
      process.stderr.write(`resuming ${targets.length} unfinished run${targets.length === 1 ? '' : 's'}\n`);
    }
    const printer = createProgressPrinter((line) => process.stderr.write(`${line}\n`));
    const { runs, interrupted } = await driveRuns(runtime, targets, (events) => printer.onEvents(events));
    const reports = [];
    for (const run of runs) {
      process.stderr.write(`${describeEnd(run)}\n`);
      reports.push(await runReport(runtime.engine, run));
    }
    if (options.json) process.stdout.write(`${JSON.stringify(runId ? reports[0] : reports, null, 2)}\n`);
    if (interrupted) return ExitCode.interrupted;
    if (runs.some((run) => run.status === 'failed' || run.status === 'cancelled')) return ExitCode.failed;
    if (runs.some((run) => run.status !== 'succeeded')) return ExitCode.unfinished;
    return ExitCode.ok;
  } finally {
    await runtime.close();
  }
}
