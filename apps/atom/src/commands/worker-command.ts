/**
 * `atom worker [--concurrency N]`: a worker process without the server — claims ready steps from
 * the shared database (DATABASE_URL in distributed mode), runs them, and shuts down like
 * `atom start` does (SIGTERM: running steps get the grace period, leftover leases are released).
 */
import { AtomError } from '@atom/errors';
import { createLogger, openEventBus } from '@atom/server';
import { readConfig } from '../runtime/env-config.js';
import { ATOM_VERSION, openRuntime } from '../runtime/open-runtime.js';
import { firstSignal, startWorkerLoop } from '../runtime/worker-loop.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { printError } from './print-error.js';

export interface WorkerOptions {
  data: string;
  concurrency?: string;
}

export async function workerCommand(options: WorkerOptions): Promise<number> {
  let runtime: Awaited<ReturnType<typeof openRuntime>> | undefined;
  try {
    const config = readConfig();
    const concurrency = options.concurrency === undefined ? undefined : Number(options.concurrency);
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 10_000)) {
      throw new AtomError(
        'ATOM_ERR_CLI_USAGE',
        `--concurrency ${options.concurrency}: expected a whole number from 1 to 10000`,
      );
    }
    // Scrubs the environment's secrets until the runtime knows the stored ones too.
    let secretValues: () => readonly string[] = () => Object.values(config.secrets);
    const logger = createLogger({ level: config.logLevel, secretValues: () => secretValues() });
    runtime = await openRuntime({ dataDir: options.data, log: (level, message, data) => logger[level](data, message) });
    const { secrets } = runtime;
    secretValues = () => secrets.knownValues();
    // API processes hear this worker's events at once (webhook answers, ?wait=, the live stream).
    const bus = openEventBus({ ...config, engine: runtime.engine, store: runtime.store, logger, listen: false });
    const worker = startWorkerLoop(runtime, concurrency);
    logger.info({ workerId: runtime.workerId, store: runtime.where, concurrency }, 'worker started');
    process.stderr.write(`Atom ${ATOM_VERSION} worker ${runtime.workerId} on ${runtime.where}\n`);
    const signal = await firstSignal();
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'worker stopping');
    const stopped = await worker.stop(config.shutdownGraceMs);
    if (!stopped.finished) logger.warn({ released: stopped.released }, 'grace period over: released leases');
    await bus.close();
    await runtime.close();
    logger.info('worker stopped');
    logger.flush();
    return ExitCode.ok;
  } catch (error) {
    printError(error);
    await runtime?.close().catch(() => {});
    return error instanceof AtomError && error.code === 'ATOM_ERR_CLI_USAGE' ? ExitCode.badInput : exitCodeOf(error);
  }
}
