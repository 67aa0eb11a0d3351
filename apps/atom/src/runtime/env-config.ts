/**
 * Configuration from environment variables, validated once at start-up: a bad value stops the
 * command with ATOM_ERR_CONFIG_INVALID naming the variable and what was expected.
 */
import { AtomError } from '@atom/errors';
import { parseHttpAllow } from '@atom/nodes';
import { type OidcOptions, parseRoleMap } from '@atom/server';

export interface AtomConfig {
  /** Hosts (`*.suffix` too), IPs or CIDRs `http.request` may reach although private or loopback. */
  httpAllow: string[];
  codeMemoryBytes: number;
  codeTimeoutMs: number;
  /** Workspace variables (`$vars`) from ATOM_VAR_<NAME>. */
  vars: Record<string, string>;
  /** Secrets (`$secrets`) from ATOM_SECRET_<NAME>, until the encrypted store of the security issue. */
  secrets: Record<string, string>;
  /** DATABASE_URL: a PostgreSQL URL selects the PostgreSQL store; unset means SQLite in the data folder. */
  databaseUrl: string | null;
  /** ATOM_DB_POOL_MAX: connections in the PostgreSQL pool. */
  dbPoolMax: number;
  /** ATOM_BODY_LIMIT_MB: largest request body the server accepts (default 10). */
  bodyLimitBytes: number;
  /** ATOM_REQUEST_TIMEOUT_MS: time allowed to receive a whole request before 408 (default 60000). */
  requestTimeoutMs: number;
  /** ATOM_MAX_NESTING: deepest nesting of arrays and objects in bodies, documents, inputs and outputs (default 64). */
  maxNesting: number;
  /** ATOM_LOG_LEVEL: trace, debug, info (default), warn, error, fatal or silent. */
  logLevel: string;
  /** ATOM_SHUTDOWN_GRACE_MS: how long running steps may finish after SIGTERM (default 30000). */
  shutdownGraceMs: number;
  /** ATOM_WORKER_POLL_MS: safety poll of an idle worker (default 30000 on PostgreSQL, woken by NOTIFY; 1000 on SQLite). */
  workerPollMs: number | null;
  /** ATOM_WORKER_HEARTBEAT_MS: how often a worker renews its registry row and reaps dead workers (default 5000). */
  workerHeartbeatMs: number;
  /** ATOM_WORKER_DEAD_AFTER_MS: a worker silent this long is dead and its steps run again (default 30000). */
  workerDeadAfterMs: number;
  /** ATOM_HOOK_TIMEOUT_MS: default wait of `respond: node` webhooks for their answer (default 30000). */
  hookTimeoutMs: number;
  /** ATOM_STREAM_HEARTBEAT_MS: heartbeat period of the live stream (default 15000). */
  streamHeartbeatMs: number;
  /** ATOM_STREAM_MAX_BUFFERED_KB: bytes that may wait for one stream client before it is closed as too slow (default 4096 KiB). */
  streamMaxBufferedBytes: number;
  /** ATOM_CORS_ORIGINS: comma-separated origins (`https://app.example.com`) allowed to call the API from a browser. */
  corsOrigins: string[];
  /** ATOM_SESSION_IDLE_MINUTES (default 720) and ATOM_SESSION_MAX_DAYS (default 7): when Studio sessions end. */
  sessionIdleMs: number;
  sessionMaxAgeMs: number;
  /** ATOM_COOKIE_SECURE=1: mark the session cookie Secure even over HTTP (TLS ends at a proxy). */
  secureCookies: boolean;
  /** REDIS_URL: shared rate-limit counters, step-output cache and events; none: process and database. */
  redisUrl: string | null;
  /** ATOM_REDIS_PREFIX: put before every Redis key Atom writes (default `atom:`), to share one Redis. */
  redisPrefix: string;
  /** ATOM_DEFAULT_TIER: the tier of a workspace whose settings name none (default enterprise). */
  defaultTier: 'free' | 'pro' | 'enterprise';
  /** ATOM_OIDC_*: single sign-on for the Studio; null (off) when ATOM_OIDC_ISSUER is unset. */
  oidc: OidcOptions | null;
}

const OIDC_ROLES = ['admin', 'editor', 'operator', 'viewer', 'none'] as const;

function httpUrl(env: NodeJS.ProcessEnv, name: string, example: string, httpOnlyLocally = false): string {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    throw new AtomError(
      'ATOM_ERR_CONFIG_INVALID',
      `${name} is required with ATOM_OIDC_ISSUER; expected e.g. ${example}`,
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new AtomError('ATOM_ERR_CONFIG_INVALID', `${name}=${raw}: expected an http(s) URL such as ${example}`);
  }
  // Tokens and the client secret travel to the issuer: plain HTTP only on this machine.
  if (httpOnlyLocally && url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    throw new AtomError('ATOM_ERR_CONFIG_INVALID', `${name}=${raw}: expected https:// (http:// only for localhost)`);
  }
  return raw;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    throw new AtomError('ATOM_ERR_CONFIG_INVALID', `${name} is required with ATOM_OIDC_ISSUER`);
  }
  return raw.trim();
}

function oidc(env: NodeJS.ProcessEnv): OidcOptions | null {
  if (env.ATOM_OIDC_ISSUER === undefined || env.ATOM_OIDC_ISSUER === '') return null;
  let roleMap: OidcOptions['roleMap'] = {};
  try {
    roleMap = parseRoleMap(env.ATOM_OIDC_ROLE_MAP ?? '');
  } catch (error) {
    throw new AtomError(
      'ATOM_ERR_CONFIG_INVALID',
      `ATOM_OIDC_ROLE_MAP: ${(error as Error).message}; expected e.g. atom-admins=admin,atom-editors=editor`,
    );
  }
  const defaultRole = env.ATOM_OIDC_DEFAULT_ROLE || 'viewer';
  if (!(OIDC_ROLES as readonly string[]).includes(defaultRole)) {
    throw new AtomError(
      'ATOM_ERR_CONFIG_INVALID',
      `ATOM_OIDC_DEFAULT_ROLE=${defaultRole}: expected one of ${OIDC_ROLES.join(', ')}`,
    );
  }
  const scopes = (env.ATOM_OIDC_SCOPES || 'openid email profile').split(/[\s,]+/).filter(Boolean);
  if (!scopes.includes('openid')) {
    throw new AtomError('ATOM_ERR_CONFIG_INVALID', `ATOM_OIDC_SCOPES=${env.ATOM_OIDC_SCOPES}: must include openid`);
  }
  return {
    issuer: httpUrl(env, 'ATOM_OIDC_ISSUER', 'https://login.example.com/realms/atom', true),
    clientId: required(env, 'ATOM_OIDC_CLIENT_ID'),
    clientSecret: required(env, 'ATOM_OIDC_CLIENT_SECRET'),
    redirectUrl: httpUrl(env, 'ATOM_OIDC_REDIRECT_URL', 'https://atom.example.com/api/v1/auth/oidc/callback'),
    scopes,
    groupsClaim: env.ATOM_OIDC_GROUPS_CLAIM?.trim() || 'groups',
    roleMap,
    defaultRole: defaultRole as (typeof OIDC_ROLES)[number],
  };
}

function redisUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = env.REDIS_URL;
  if (raw === undefined || raw === '') return null;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !['redis:', 'rediss:'].includes(url.protocol)) {
    throw new AtomError('ATOM_ERR_CONFIG_INVALID', 'REDIS_URL: expected redis://host:6379 (or rediss:// for TLS)');
  }
  return raw;
}

function redisPrefix(env: NodeJS.ProcessEnv): string {
  const raw = env.ATOM_REDIS_PREFIX;
  if (raw === undefined || raw === '') return 'atom:';
  if (!/^[\x21-\x7e]{1,64}$/.test(raw)) {
    throw new AtomError(
      'ATOM_ERR_CONFIG_INVALID',
      `ATOM_REDIS_PREFIX=${raw}: expected 1 to 64 printable characters without spaces, e.g. atom-prod:`,
    );
  }
  return raw;
}

function defaultTier(env: NodeJS.ProcessEnv): 'free' | 'pro' | 'enterprise' {
  const raw = env.ATOM_DEFAULT_TIER;
  if (raw === undefined || raw === '') return 'enterprise';
  if (raw === 'free' || raw === 'pro' || raw === 'enterprise') return raw;
  throw new AtomError('ATOM_ERR_CONFIG_INVALID', `ATOM_DEFAULT_TIER=${raw}: expected free, pro or enterprise`);
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new AtomError('ATOM_ERR_CONFIG_INVALID', `${name}=${raw}: expected 1 or 0`);
}

function corsOrigins(env: NodeJS.ProcessEnv): string[] {
  const raw = env.ATOM_CORS_ORIGINS;
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin) {
      throw new AtomError(
        'ATOM_ERR_CONFIG_INVALID',
        `ATOM_CORS_ORIGINS: "${origin}" is not an origin; expected e.g. https://app.example.com (scheme, host, optional port, no path)`,
      );
    }
    return origin;
  });
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function logLevel(env: NodeJS.ProcessEnv): string {
  const raw = env.ATOM_LOG_LEVEL;
  if (raw === undefined || raw === '') return 'info';
  if (!LOG_LEVELS.includes(raw)) {
    throw new AtomError('ATOM_ERR_CONFIG_INVALID', `ATOM_LOG_LEVEL=${raw}: expected one of ${LOG_LEVELS.join(', ')}`);
  }
  return raw;
}

function databaseUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AtomError('ATOM_ERR_CONFIG_INVALID', 'DATABASE_URL is not a URL; expected postgres://user@host:5432/db');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new AtomError(
      'ATOM_ERR_CONFIG_INVALID',
      `DATABASE_URL uses ${url.protocol}; expected postgres:// (leave it unset for the embedded SQLite store)`,
    );
  }
  return raw;
}

/** The registry's heartbeat and death times; a worker must miss at least two beats to count as dead. */
function workerTimes(env: NodeJS.ProcessEnv): { workerHeartbeatMs: number; workerDeadAfterMs: number } {
  const workerHeartbeatMs = positiveInt(env, 'ATOM_WORKER_HEARTBEAT_MS', 5_000);
  const workerDeadAfterMs = positiveInt(env, 'ATOM_WORKER_DEAD_AFTER_MS', 30_000);
  if (workerDeadAfterMs < 2 * workerHeartbeatMs) {
    throw new AtomError(
      'ATOM_ERR_CONFIG_INVALID',
      `ATOM_WORKER_DEAD_AFTER_MS=${workerDeadAfterMs}: expected at least twice ATOM_WORKER_HEARTBEAT_MS (${workerHeartbeatMs})`,
    );
  }
  return { workerHeartbeatMs, workerDeadAfterMs };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new AtomError('ATOM_ERR_CONFIG_INVALID', `${name}=${raw}: expected a positive whole number`);
  }
  return value;
}

function prefixed(env: NodeJS.ProcessEnv, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(prefix) && value !== undefined) out[key.slice(prefix.length)] = value;
  }
  return out;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): AtomConfig {
  return {
    httpAllow: parseHttpAllow(env.ATOM_HTTP_ALLOW),
    codeMemoryBytes: positiveInt(env, 'ATOM_CODE_MEMORY_MB', 64) * 1024 * 1024,
    codeTimeoutMs: positiveInt(env, 'ATOM_CODE_TIMEOUT_MS', 1_000),
    vars: prefixed(env, 'ATOM_VAR_'),
    secrets: prefixed(env, 'ATOM_SECRET_'),
    databaseUrl: databaseUrl(env),
    dbPoolMax: positiveInt(env, 'ATOM_DB_POOL_MAX', 10),
    bodyLimitBytes: positiveInt(env, 'ATOM_BODY_LIMIT_MB', 10) * 1024 * 1024,
    maxNesting: positiveInt(env, 'ATOM_MAX_NESTING', 64),
    requestTimeoutMs: positiveInt(env, 'ATOM_REQUEST_TIMEOUT_MS', 60_000),
    logLevel: logLevel(env),
    shutdownGraceMs: positiveInt(env, 'ATOM_SHUTDOWN_GRACE_MS', 30_000),
    hookTimeoutMs: positiveInt(env, 'ATOM_HOOK_TIMEOUT_MS', 30_000),
    workerPollMs: env.ATOM_WORKER_POLL_MS ? positiveInt(env, 'ATOM_WORKER_POLL_MS', 0) : null,
    ...workerTimes(env),
    streamHeartbeatMs: positiveInt(env, 'ATOM_STREAM_HEARTBEAT_MS', 15_000),
    streamMaxBufferedBytes: positiveInt(env, 'ATOM_STREAM_MAX_BUFFERED_KB', 4_096) * 1024,
    corsOrigins: corsOrigins(env),
    sessionIdleMs: positiveInt(env, 'ATOM_SESSION_IDLE_MINUTES', 720) * 60_000,
    sessionMaxAgeMs: positiveInt(env, 'ATOM_SESSION_MAX_DAYS', 7) * 86_400_000,
    secureCookies: flag(env, 'ATOM_COOKIE_SECURE'),
    redisUrl: redisUrl(env),
    redisPrefix: redisPrefix(env),
    defaultTier: defaultTier(env),
    oidc: oidc(env),
  };
}
