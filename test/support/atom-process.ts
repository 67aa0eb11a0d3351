/**
 * `atom start` as a real child process on one 127.0.0.1 port and data folder, that a test can
 * stop (SIGTERM, graceful) and start again on the same port and folder: what a user's restart or
 * redeploy does. Ready when `/health/live` answers.
 */
import { assertBuilt, type CliResult, startCli } from './cli-process.js';
import { freePort } from './free-port.js';
import { until } from './until.js';

export interface AtomProcess {
  url: string;
  port: number;
  /** Everything the processes wrote on stderr, across restarts. */
  output(): string;
  /** Stops the process (SIGTERM) and waits for it to exit; its exit, or null when it was not running. */
  stop(): Promise<CliResult | null>;
  /** Starts the process again (after `stop`) on the same port and data folder, ready when it answers. */
  start(): Promise<void>;
  /** Stops, then starts again. */
  restart(): Promise<void>;
}

export async function startAtomProcess(options: {
  data: string;
  env?: Record<string, string>;
  args?: string[];
  /** How long a start may take to answer /health/live (default 60 s: a loaded machine is slow). */
  startTimeoutMs?: number;
}): Promise<AtomProcess> {
  assertBuilt();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  let current: ReturnType<typeof startCli> | null = null;
  const start = async () => {
    if (current) throw new Error('atom start is running already');
    const started = startCli(
      ['start', '--data', options.data, '--port', String(port), ...(options.args ?? [])],
      options.env ?? {},
    );
    current = started;
    started.child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    await until(async () => {
      if (started.child.exitCode !== null) throw new Error(`atom start exited: ${output}`);
      return fetch(`${url}/health/live`).then(
        (r) => r.ok,
        () => false,
      );
    }, options.startTimeoutMs ?? 60_000);
  };
  const stop = async () => {
    const running = current;
    if (!running) return null;
    current = null;
    if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGTERM');
    return running.done;
  };
  await start();
  return {
    url,
    port,
    output: () => output,
    stop,
    start,
    async restart() {
      await stop();
      await start();
    },
  };
}
