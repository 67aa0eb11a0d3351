/**
 * Configuration from environment variables, validated once at start-up: a bad value stops the
 * command with ATOM_ERR_CONFIG_INVALID naming the variable and what was expected.
 */
import { AtomError } from '@atom/errors';
import { parseHttpAllow } from '@atom/nodes';

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
  };
}
