/**
 * The effective configuration as lines for people (`atom doctor`): each setting by the variable
 * that sets it, with the value in force, defaults included. Passwords in URLs, the OIDC client
 * secret, the encryption key and secret values are never shown — only whether they are set.
 */
import { resolve } from 'node:path';
import type { AtomConfig } from './env-config.js';

export interface ConfigLine {
  name: string;
  value: string;
  /** Whether the variable (or flag) was given; false: the default applies. */
  set: boolean;
}

/** `postgres://user:***@host/db`: the URL with its password masked. */
export function maskUrl(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  return url.toString();
}

export function describeConfig(
  config: AtomConfig,
  target: { dataDir: string; host: string; port: number; env: NodeJS.ProcessEnv },
): ConfigLine[] {
  const { env } = target;
  const given = (name: string) => env[name] !== undefined && env[name] !== '';
  const line = (name: string, value: string): ConfigLine => ({ name, value, set: given(name) });
  const names = (record: Record<string, string>) => Object.keys(record).sort().join(', ') || 'none';
  return [
    { name: '--data', value: resolve(target.dataDir), set: true },
    { name: 'ATOM_HOST / --host', value: target.host, set: true },
    { name: 'ATOM_PORT / --port', value: String(target.port), set: true },
    line('DATABASE_URL', config.databaseUrl ? maskUrl(config.databaseUrl) : 'unset: embedded SQLite <data>/atom.db'),
    line('ATOM_DB_POOL_MAX', String(config.dbPoolMax)),
    line('REDIS_URL', config.redisUrl ? maskUrl(config.redisUrl) : 'unset'),
    line('ATOM_ENCRYPTION_KEY', given('ATOM_ENCRYPTION_KEY') ? 'set' : 'unset: key file <data>/encryption.key'),
    line('ATOM_HTTP_ALLOW', config.httpAllow.join(', ') || 'none (private addresses refused)'),
    line('ATOM_CODE_MEMORY_MB', String(config.codeMemoryBytes / 1024 / 1024)),
    line('ATOM_CODE_TIMEOUT_MS', String(config.codeTimeoutMs)),
    line('ATOM_BODY_LIMIT_MB', String(config.bodyLimitBytes / 1024 / 1024)),
    line('ATOM_MAX_NESTING', String(config.maxNesting)),
    line('ATOM_REQUEST_TIMEOUT_MS', String(config.requestTimeoutMs)),
    line('ATOM_LOG_LEVEL', config.logLevel),
    line('ATOM_SHUTDOWN_GRACE_MS', String(config.shutdownGraceMs)),
    line('ATOM_WORKER_POLL_MS', config.workerPollMs === null ? 'default' : String(config.workerPollMs)),
    line('ATOM_WORKER_HEARTBEAT_MS', String(config.workerHeartbeatMs)),
    line('ATOM_WORKER_DEAD_AFTER_MS', String(config.workerDeadAfterMs)),
    line('ATOM_HOOK_TIMEOUT_MS', String(config.hookTimeoutMs)),
    line('ATOM_CORS_ORIGINS', config.corsOrigins.join(', ') || 'none (CORS off)'),
    line('ATOM_SESSION_IDLE_MINUTES', String(config.sessionIdleMs / 60_000)),
    line('ATOM_SESSION_MAX_DAYS', String(config.sessionMaxAgeMs / 86_400_000)),
    line('ATOM_COOKIE_SECURE', config.secureCookies ? '1' : '0'),
    line('ATOM_DEFAULT_TIER', config.defaultTier),
    line('ATOM_OIDC_ISSUER', config.oidc ? config.oidc.issuer : 'unset (SSO off)'),
    ...(config.oidc
      ? [
          line('ATOM_OIDC_CLIENT_ID', config.oidc.clientId),
          line('ATOM_OIDC_CLIENT_SECRET', 'set'),
          line('ATOM_OIDC_REDIRECT_URL', config.oidc.redirectUrl),
          line('ATOM_OIDC_DEFAULT_ROLE', config.oidc.defaultRole ?? 'viewer'),
        ]
      : []),
    { name: 'ATOM_VAR_*', value: names(config.vars), set: Object.keys(config.vars).length > 0 },
    { name: 'ATOM_SECRET_* (names only)', value: names(config.secrets), set: Object.keys(config.secrets).length > 0 },
  ];
}
