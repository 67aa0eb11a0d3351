/**
 * `atom start`: the HTTP server (API, webhooks, schedules, health, metrics) with the embedded worker
 * (unless `--no-worker`). Unfinished runs resume by themselves: their due steps are claimed, and
 * steps held by a dead process come back when their lease expires (at once for this host's dead
 * processes, see open-runtime.ts).
 *
 * SIGTERM/SIGINT shut down gracefully: the server stops taking requests and schedules, the worker
 * claims nothing new, running steps get `ATOM_SHUTDOWN_GRACE_MS` to finish and commit, and the
 * leases of any still running are released so another process (or the next start) runs them at
 * once. Exit 0. A second signal exits at once (130); leases then expire on their own.
 */
import { AtomError } from '@atom/errors';
import { createLogger, createServer, openEventBus, openLimiter } from '@atom/server';
import { readConfig } from '../runtime/env-config.js';
import { ATOM_VERSION, openRuntime } from '../runtime/open-runtime.js';
import { studioDir } from '../runtime/studio-dir.js';
import { firstSignal, startWorkerLoop, type WorkerLoop } from '../runtime/worker-loop.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { printError } from './print-error.js';

export interface StartOptions {
  data: string;
  port: string;
  host: string;
  worker: boolean;
  concurrency?: string;
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AtomError('ATOM_ERR_CLI_USAGE', `${flag} ${text}: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

export async function startCommand(options: StartOptions): Promise<number> {
  let runtime: Awaited<ReturnType<typeof openRuntime>> | undefined;
  let worker: WorkerLoop | null = null;
  try {
    const config = readConfig();
    const listenPort = wholeNumber('--port', options.port, 0, 65_535);
    const concurrency =
      options.concurrency === undefined ? undefined : wholeNumber('--concurrency', options.concurrency, 1, 10_000);
    // Scrubs the environment's secrets until the runtime knows the stored ones too.
    const oidcSecret = config.oidc ? [config.oidc.clientSecret] : [];
    let secretValues: () => readonly string[] = () => [...Object.values(config.secrets), ...oidcSecret];
    const logger = createLogger({ level: config.logLevel, secretValues: () => secretValues() });
    runtime = await openRuntime({
      dataDir: options.data,
      log: (level, message, data) => logger[level](data, message),
      registerWorker: options.worker,
    });
    const { engine, secrets } = runtime;
    secretValues = () => [...secrets.knownValues(), ...oidcSecret];
    worker = options.worker ? startWorkerLoop(runtime, concurrency) : null;
    const running = worker;
    const rateLimits = openLimiter(config.redisUrl, logger, `${config.redisPrefix}rl:`);
    const bus = openEventBus({
      engine,
      store: runtime.store,
      redisUrl: config.redisUrl,
      databaseUrl: config.databaseUrl,
      logger,
    });
    const studio = studioDir();
    const server = await createServer({
      ...(studio ? { studio: { root: studio } } : {}),
      limiter: rateLimits.limiter,
      bus,
      defaultTier: config.defaultTier,
      engine,
      control: runtime.store,
      secrets: runtime.secrets,
      logger,
      version: ATOM_VERSION,
      bodyLimitBytes: config.bodyLimitBytes,
      hookTimeoutMs: config.hookTimeoutMs,
      stream: { heartbeatMs: config.streamHeartbeatMs, maxBufferedBytes: config.streamMaxBufferedBytes },
      corsOrigins: config.corsOrigins,
      sessions: { idleMs: config.sessionIdleMs, maxAgeMs: config.sessionMaxAgeMs, secureCookies: config.secureCookies },
      ...(config.oidc ? { oidc: config.oidc } : {}),
      ...(running ? { workerRunning: () => running.running() } : {}),
      // Redis away: Atom goes on (limits per process, cache in the database) and says so.
      warnings: () => [rateLimits.warning(), runtime?.cacheWarning() ?? null].filter((w): w is string => w !== null),
    });
    const address = await server.listen({ port: listenPort, host: options.host }).catch(async (error: unknown) => {
      await server.close();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
        throw new AtomError(
          'ATOM_ERR_CONFIG_INVALID',
          `cannot listen on ${options.host}:${listenPort} (${code}): choose another --port or --host`,
        );
      }
      throw error;
    });
    logger.info({ address, store: runtime.where, worker: options.worker }, 'atom started');
    process.stderr.write(`Atom ${ATOM_VERSION} listening on ${address} (${runtime.where})\n`);
    process.stderr.write(
      studio
        ? `Studio: ${address}/\n`
        : 'Studio: not built (npm run build -w @atom/studio builds it); the API runs without it\n',
    );
    process.stderr.write(`API docs: ${address}/api/docs\n`);
    if ((await runtime.store.countUsers()) === 0) {
      process.stderr.write(
        (studio
          ? `No users yet. Open ${address}/ to create the first owner, or create one and an API token:\n`
          : 'No users yet. Create one and an API token:\n') +
          "  echo 'a long password' | npx atom users create --email you@example.com --role owner\n" +
          '  npx atom tokens create --email you@example.com --name cli\n',
      );
    }

    const signal = await firstSignal();
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
    const serverClosed = server.close();
    const stopped = await worker?.stop(config.shutdownGraceMs);
    if (stopped && !stopped.finished) {
      logger.warn({ released: stopped.released }, 'grace period over: released the leases of steps still running');
    }
    // Requests still open (a long ?wait=) get a moment more; the process is leaving anyway.
    await Promise.race([serverClosed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    await rateLimits.close();
    await bus.close();
    await runtime.close();
    logger.info('stopped');
    logger.flush();
    return ExitCode.ok;
  } catch (error) {
    printError(error);
    // A start that failed half-way (a taken port, say) leaves no worker running and no lease held.
    await worker?.stop(0).catch(() => undefined);
    await runtime?.close().catch(() => {});
    return error instanceof AtomError && error.code === 'ATOM_ERR_CLI_USAGE' ? ExitCode.badInput : exitCodeOf(error);
  }
}
