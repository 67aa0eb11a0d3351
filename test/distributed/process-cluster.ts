/**
 * The processes of a distributed deployment for a test: API processes (`atom start --no-worker`,
 * each on a fixed port of 127.0.0.1 it keeps across restarts, like a host behind a load balancer)
 * and worker processes (`atom worker`), all on one database. Any of them can be SIGKILLed and
 * started again; the last lines each one wrote are kept for a failing test's message.
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
}

export interface ProcessCluster {
  /** Base URLs of the API processes, by index (stable across restarts). */
  readonly apiUrls: readonly string[];
  /** SIGKILLs the member (if it runs) and waits until it is gone. */
  kill(role: Role, index: number): Promise<void>;
  /** Starts the member again; for an API, resolves once it answers /health/live. */
  start(role: Role, index: number): Promise<void>;
  /** How many processes were started in all (first starts included). */
  starts(): number;
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

  const launch = async (m: Member): Promise<void> => {
    const args =
      m.role === 'api'
        ? ['start', '--no-worker', '--port', String(m.port), '--data', options.dataDir]
        : ['worker', '--concurrency', String(options.workerConcurrency), '--data', options.dataDir];
    const { child, done } = startCli(args, options.env);
    m.starts++;
    m.child = child;
    m.exited = done;
    const keep = (chunk: Buffer) => {
      m.output = (m.output + chunk.toString()).slice(-KEPT_OUTPUT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    if (m.role === 'api') await untilLive(`http://127.0.0.1:${m.port}`, done);
  };

  const cluster: ProcessCluster = {
    apiUrls: members.filter((m) => m.role === 'api').map((m) => `http://127.0.0.1:${m.port}`),
    async kill(role, index) {
      const m = find(role, index);
      if (!m.child) return;
      m.child.kill('SIGKILL');
      await m.exited;
      m.child = null;
      m.exited = null;
      m.output += `\n--- SIGKILL ---\n`;
    },
    start: (role, index) => launch(find(role, index)),
    starts: () => members.reduce((sum, m) => sum + m.starts, 0),
    logs: () => members.map((m) => `== ${m.role} ${m.index} ==\n${m.output}`).join('\n'),
    async stop(graceMs = 10_000) {
      await Promise.all(
        members.map(async (m) => {
          if (!m.child) return;
          const child = m.child;
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
  return { role, index, port, child: null, exited: null, starts: 0, output: '' };
}

async function untilLive(base: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gone) throw new Error(`the API process for ${base} exited while starting`);
    try {
      if ((await fetch(`${base}/health/live`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${base} did not come up within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
