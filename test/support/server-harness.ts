/**
 * A real Atom server on 127.0.0.1 (random port) around a real engine and store — a SQLite file in a
 * temporary folder, or a PostgreSQL database — with the embedded worker running, one user per role
 * and an API token for each. Tests talk to it over HTTP with `fetch`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type ClockPort, Engine } from '@atom/engine';
import { builtinNodes, createNodeRegistry } from '@atom/nodes';
import {
  type AtomServer,
  createKeyring,
  createLogger,
  createServer,
  type EventBus,
  generateKey,
  issueApiToken,
  type OidcOptions,
  type RateLimiter,
  type ServerOptions,
  WorkspaceSecrets,
} from '@atom/server';
import { type AtomStore, createFileBlobStore, createSqliteStore, type UserRole } from '@atom/store';
import { seededRandom } from './engine-harness.js';
import { testNodes } from './test-nodes.js';

export type { AtomStore };

export interface ServerHarness {
  url: string;
  /** The harness's temporary folder (the SQLite file is `atom.db` there). */
  dir: string;
  server: AtomServer;
  engine: Engine;
  store: AtomStore;
  /** API tokens by role. */
  tokens: Record<UserRole, string>;
  /** Every log line the server wrote. */
  logs: string[];
  /** fetch with the owner's token (or `token`, or none with `token: null`), JSON in and out. */
  api(path: string, init?: ApiInit): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiInit {
  method?: string;
  body?: unknown;
  /** Sent as is (for YAML or broken JSON). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  token?: string | null;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are read field by field
  json: any;
}

export interface ServerHarnessOptions {
  /** Opens the store; default: SQLite in the harness's folder. */
  openStore?: (dir: string) => Promise<AtomStore>;
  clock?: ClockPort;
  secrets?: Record<string, string>;
  worker?: boolean;
  scheduler?: boolean;
  bodyLimitBytes?: number;
  requestTimeoutMs?: number;
  /** ATOM_HTTP_ALLOW of `http.request` (default 127.0.0.1, where the tests' stand-in servers listen). */
  httpAllow?: string[];
  hookTimeoutMs?: number;
  corsOrigins?: string[];
  limiter?: RateLimiter;
  bus?: (engine: Engine) => EventBus;
  /** Create one user and token per role (default true); false leaves the first-run setup open. */
  users?: boolean;
  sessions?: { idleMs?: number; maxAgeMs?: number };
  /** Single sign-on with an OpenID Connect provider. */
  oidc?: OidcOptions;
  /** The store belongs to another harness (a second server on one database): no users, not closed. */
  sharedStore?: boolean;
  /** Live stream limits (heartbeat period, buffered-bytes cap…). */
  stream?: ServerOptions['stream'];
  /** Serve a built Studio folder at `/`. */
  studio?: ServerOptions['studio'];
}

const ROLES: UserRole[] = ['owner', 'admin', 'editor', 'operator', 'viewer'];

export async function startServer(options: ServerHarnessOptions = {}): Promise<ServerHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'atom-server-'));
  const store: AtomStore = options.openStore
    ? await options.openStore(dir)
    : (createSqliteStore({ file: join(dir, 'atom.db') }) as AtomStore);
  await store.migrate();
  const secretsPort = new WorkspaceSecrets({
    store,
    keyring: createKeyring({ active: generateKey() }),
    envSecrets: options.secrets ?? {},
  });
  const engine = new Engine({
    store,
    blobs: createFileBlobStore(join(dir, 'blobs')),
    nodes: createNodeRegistry([
      ...builtinNodes({
        httpAllow: options.httpAllow ?? ['127.0.0.1'],
        code: { memoryBytes: 32 * 1024 * 1024, timeoutMs: 500 },
      }),
      ...testNodes,
    ]),
    random: seededRandom(),
    secrets: secretsPort,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const logs: string[] = [];
  const logger = createLogger({
    level: 'info',
    secretValues: () => secretsPort.knownValues(),
    destination: new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  });
  const tokens = {} as Record<UserRole, string>;
  for (const role of options.sharedStore || options.users === false ? [] : ROLES) {
    const user = { id: randomUUID(), email: `${role}@example.test`, role, passwordHash: null, createdAt: Date.now() };
    await store.createUser(user);
    const { token } = await issueApiToken(store, {
      user,
      workspaceId: 'default',
      name: `${role} token`,
      role: null,
      expiresInDays: null,
      now: Date.now(),
    });
    tokens[role] = token;
  }
  const stopWorker = new AbortController();
  let workerDone: Promise<void> = Promise.resolve();
  if (options.worker !== false) {
    workerDone = engine.createWorker({ id: `test-server-${randomUUID()}`, concurrency: 16, pollMs: 50 }).run({
      signal: stopWorker.signal,
    });
  }
  const server = await createServer({
    engine,
    control: store,
    secrets: secretsPort,
    logger,
    version: 'test',
    scheduler: options.scheduler ?? false,
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    ...(options.hookTimeoutMs ? { hookTimeoutMs: options.hookTimeoutMs } : {}),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    ...(options.limiter ? { limiter: options.limiter } : {}),
    ...(options.bus ? { bus: options.bus(engine) } : {}),
    ...(options.sessions ? { sessions: options.sessions } : {}),
    ...(options.oidc ? { oidc: options.oidc } : {}),
    ...(options.stream ? { stream: options.stream } : {}),
    ...(options.studio ? { studio: options.studio } : {}),
    ...(options.worker === false ? {} : { workerRunning: () => !stopWorker.signal.aborted }),
  });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });

  return {
    url,
    dir,
    server,
    engine,
    store,
    tokens,
    logs,
    async api(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      const token = init.token === undefined ? tokens.owner : init.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | Buffer | undefined;
      if (init.rawBody !== undefined) body = init.rawBody;
      else if (init.body !== undefined) {
        body = JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${url}${path}`, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body });
      const text = await response.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    async close() {
      await server.close();
      stopWorker.abort();
      await workerDone;
      if (!options.sharedStore) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
