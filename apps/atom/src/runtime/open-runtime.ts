/**
 * Wires the adapters of the embedded mode into the engine: the SQLite store and the blob folder
 * inside the data folder, the built-in nodes, configuration from the environment. Returns the
 * steps held by workers of this host that died (kill -9, crash) to the queue at once, instead of
 * waiting for their leases to expire or for a live worker's reaper (ATOM_WORKER_DEAD_AFTER_MS).
 * A worker loop records itself in the worker registry with `registration`.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Engine, type StepLog, type WorkerRegistration } from '@atom/engine';
import { openStepCache } from '@atom/server/cache';
import { loadKeyring, WorkspaceSecrets } from '@atom/server/secrets';
import { createFileBlobStore } from '@atom/store';
import { type AtomConfig, readConfig } from './env-config.js';
import { createNodes } from './node-setup.js';
import { type AtomStore, type OpenedStore, openStore } from './open-store.js';

export interface Runtime {
  engine: Engine;
  /** The engine's store; also the server's ControlStore. */
  store: AtomStore;
  config: AtomConfig;
  /** `$secrets` and `$vars`: stored (secrets encrypted) over the ATOM_SECRET_* / ATOM_VAR_* values. */
  secrets: WorkspaceSecrets;
  workerId: string;
  /** What a worker loop of this process writes to the worker registry. */
  registration: WorkerRegistration;
  dataDir: string;
  /** Which store: `SQLite <file>` or `PostgreSQL <host/db>`. */
  where: string;
  /** Single statements on the PostgreSQL database (shared rate-limit counters); null on SQLite. */
  counters: OpenedStore['counters'];
  /** Why the step-output cache is not in Redis although REDIS_URL is set, or null. */
  cacheWarning(): string | null;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  dataDir: string;
  log?: StepLog;
}

export const ATOM_VERSION = '0.1.0';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Node logs (the `log` node, connectors) go to stderr beside the progress lines. */
const printLog: StepLog = (level, message, data) => {
  if (level === 'debug') return;
  const step = typeof data.step === 'string' ? `${data.step}: ` : '';
  const extra = data.data === undefined ? '' : ` ${JSON.stringify(data.data)}`;
  process.stderr.write(`    [${level}] ${step}${message}${extra}\n`);
};

export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const config = readConfig();
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  // Before the store opens: a bad key stops the command without leaving anything open.
  const keyring = loadKeyring({ env: process.env, dataDir });
  const { store, where, counters } = await openStore(config, dataDir);
  const nodes = createNodes(config);
  const secrets = new WorkspaceSecrets({ store, keyring, envSecrets: config.secrets, envVars: config.vars });
  const log = options.log ?? printLog;
  // With REDIS_URL the `cache:` outputs are shared in Redis, and in the database while it is away.
  const stepCache = openStepCache(config.redisUrl, store, log, `${config.redisPrefix}cache:`);
  const engine = new Engine({
    store,
    cache: stepCache.cache,
    blobs: createFileBlobStore(join(dataDir, 'blobs')),
    nodes,
    secrets,
    log,
    options: { maxNesting: config.maxNesting },
  });

  const host = hostname();
  const startedAt = Date.now();
  const workerId = `${host}/${process.pid}/${startedAt}`;
  const dead = (await store.listWorkers()).filter((worker) => worker.host === host && !isAlive(worker.pid));
  if (dead.length > 0) {
    await engine.releaseLeases({ now: Date.now(), owners: dead.map((worker) => worker.id) });
    for (const worker of dead) await store.removeWorker(worker.id);
  }

  return {
    engine,
    store,
    config,
    secrets,
    workerId,
    registration: {
      host,
      pid: process.pid,
      version: ATOM_VERSION,
      heartbeatMs: config.workerHeartbeatMs,
      deadAfterMs: config.workerDeadAfterMs,
    },
    dataDir,
    where,
    counters,
    cacheWarning: () => stepCache.warning(),
    async close() {
      await stepCache.close();
      await store.close();
    },
  };
}
