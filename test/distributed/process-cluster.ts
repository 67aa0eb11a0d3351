/**
 * The processes of a distributed deployment for a test: API processes (`atom start --no-worker`,
 * each on a fixed port of 127.0.0.1 it keeps across restarts, like a host behind a load balancer)
 * and worker processes (`atom worker`), all on one database. Any of them can be SIGKILLed and
 * started again. A process that exits by itself is recorded and started again, as a service
 * manager would (systemd `Restart=always`); the last lines each one wrote are kept for a failing
 * test's message.
 */
import type { ChildProcess } from 'node:child_process';
import { startCli } from '../support/cli-process.js';
import { freePort } from '../support/free-port.js';

export type Role = 'api' | 'worker';

interface Member {
  role: Role;
  index: number;
  port: number;
  child: ChildProcess | null;
  exited: Promise<unknown> | null;
  starts: number;
  output: string;
  /** Set while the test kills or stops it: its exit is then expected. */
  stopping: boolean;
}

/** A process that ended without being killed or stopped by the test. */
export interface UnexpectedExit {
  role: Role;
  index: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Its last output. */
  output: string;
}

export interface ProcessCluster {
  /** Base URLs of the API processes, by index (stable across restarts). */
  readonly apiUrls: readonly string[];
  /** SIGKILLs the member (if it runs) and waits until it is gone. */
  kill(role: Role, index: number): Promise<void>;
  /** The process id of the member, if it runs. */
  pidOf(role: Role, index: number): number | undefined;
  /** Starts the member again; for an API, resolves once it answers /health/live. */
  start(role: Role, index: number): Promise<void>;
  /** How many processes were started in all (first starts included). */
  starts(): number;
  /** The processes that ended by themselves (each was started again). */
  unexpectedExits(): readonly UnexpectedExit[];
  /** The tail of every member's output, for a failing test's message. */
  logs(): string;
  /** SIGTERM to all, SIGKILL to those still there after `graceMs`; resolves when all are gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface ClusterOptions {
  apis: number;
  workers: number;
  workerConcurrency: number;
  dataDir: string;
  env: Record<string, string>;
}

const KEPT_OUTPUT = 6_000;

export async function startProcessCluster(options: ClusterOptions): Promise<ProcessCluster> {
  const members: Member[] = [];
  for (let index = 0; index < options.apis; index++) {
    members.push(member('api', index, await freePort()));
  }
  for (let index = 0; index < options.workers; index++) members.push(member('worker', index, 0));
  const find = (role: Role, index: number): Member => {
    const found = members.find((m) => m.role === role && m.index === index);
    if (!found) throw new Error(`no ${role} ${index}`);
    return found;
  };

  const unexpected: UnexpectedExit[] = [];
  const spawnMember = (m: Member): void => {
    const args =
      m.role === 'api'
        ? ['start', '--no-worker', '--port', String(m.port), '--data', options.dataDir]
        : ['worker', '--concurrency', String(options.workerConcurrency), '--data', options.dataDir];
    const { child, done } = startCli(args, options.env);
    m.starts++;
    m.stopping = false;
    m.child = child;
    m.exited = done;
    const keep = (chunk: Buffer) => {
      m.output = (m.output + chunk.toString()).slice(-KEPT_OUTPUT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    void done.then(({ code, signal }) => {
      if (m.stopping || m.child !== child) return;
      unexpected.push({ role: m.role, index: m.index, code, signal, output: m.output.slice(-1_500) });
      m.output += `\n--- exited by itself (${code ?? signal}); started again ---\n`;
      setTimeout(() => {
        if (m.child === child && !m.stopping) spawnMember(m);
      }, 250);
    });
  };
  const launch = async (m: Member): Promise<void> => {
    spawnMember(m);
    if (m.role === 'api') await untilLive(`http://127.0.0.1:${m.port}`);
  };

  const cluster: ProcessCluster = {
    apiUrls: members.filter((m) => m.role === 'api').map((m) => `http://127.0.0.1:${m.port}`),
    async kill(role, index) {
      const m = find(role, index);
      if (!m.child) return;
      m.stopping = true;
      m.child.kill('SIGKILL');
      await m.exited;
      m.child = null;
      m.exited = null;
      m.output += `\n--- SIGKILL ---\n`;
    },
    pidOf: (role, index) => find(role, index).child?.pid,
    start: (role, index) => launch(find(role, index)),
    starts: () => members.reduce((sum, m) => sum + m.starts, 0),
    unexpectedExits: () => unexpected,
    logs: () => members.map((m) => `== ${m.role} ${m.index} ==\n${m.output}`).join('\n'),
    async stop(graceMs = 10_000) {
      await Promise.all(
        members.map(async (m) => {
          if (!m.child) return;
          const child = m.child;
          m.stopping = true;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await m.exited;
          clearTimeout(timer);
          m.child = null;
        }),
      );
    },
  };
  await Promise.all(members.map((m) => launch(m)));
  return cluster;
}

function member(role: Role, index: number, port: number): Member {
  return { role, index, port, child: null, exited: null, starts: 0, output: '', stopping: false };
}

/** Until the API answers (a process that exits while starting is started again meanwhile). */
async function untilLive(base: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/health/live`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${base} did not come up within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
