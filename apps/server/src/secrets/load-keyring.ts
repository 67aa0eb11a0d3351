/**
 * Finds the keys at start-up. The active key is `ATOM_ENCRYPTION_KEY`, or when that is unset (or
 * empty) the key file `<dataDir>/encryption.key`, created on first use. Old keys, which only open,
 * are the comma-separated `ATOM_ENCRYPTION_KEYS_OLD` plus the lines of `<dataDir>/encryption.keys.old`.
 * Every problem is an ATOM_ERR_CONFIG_INVALID that names the variable, file or line, never the key.
 */
import { join } from 'node:path';
import { AtomError } from '@atom/errors';
import { checkDataFolder, createKeyFile, readPrivateFile } from './key-files.js';
import { parseKey } from './key-material.js';
import { Keyring } from './keyring.js';

export const KEY_ENV = 'ATOM_ENCRYPTION_KEY';
export const OLD_KEYS_ENV = 'ATOM_ENCRYPTION_KEYS_OLD';
export const KEY_FILE = 'encryption.key';
export const OLD_KEYS_FILE = 'encryption.keys.old';

export interface LoadKeyringOptions {
  /** Usually `process.env`. */
  env: Readonly<Record<string, string | undefined>>;
  /** The data folder; it must exist when the key file is used. */
  dataDir: string;
  /** Called with the path after a new key file was created, so the server can say to back it up. */
  onKeyFileCreated?: (path: string) => void;
}

/**
 * The keyring for this process.
 *
 * @example
 * const keyring = loadKeyring({ env: process.env, dataDir: '/var/lib/atom' });
 * const sealed = keyring.seal(token, `workspace:${workspaceId}/secret:${name}`);
 */
export function loadKeyring(options: LoadKeyringOptions): Keyring {
  const { env, dataDir } = options;
  const fromEnv = env[KEY_ENV]?.trim();
  const active = fromEnv ? parseKey(fromEnv, KEY_ENV) : activeKeyFromFile(dataDir, options.onKeyFileCreated);
  return new Keyring(active, [...oldKeysFromEnv(env[OLD_KEYS_ENV]), ...oldKeysFromFile(join(dataDir, OLD_KEYS_FILE))]);
}

function activeKeyFromFile(dataDir: string, onCreated: ((path: string) => void) | undefined): Buffer {
  checkDataFolder(dataDir);
  const path = join(dataDir, KEY_FILE);
  const existing = readPrivateFile(path);
  if (existing !== undefined) return parseKey(existing, `The key file ${path}`);
  const created = createKeyFile(path);
  if (created !== undefined) {
    onCreated?.(path);
    return parseKey(created, `The key file ${path}`);
  }
  const winner = readPrivateFile(path);
  if (winner === undefined)
    throw new AtomError('ATOM_ERR_CONFIG_INVALID', `The key file ${path} vanished while created`);
  return parseKey(winner, `The key file ${path}`);
}

function oldKeysFromEnv(list: string | undefined): Buffer[] {
  if (list === undefined) return [];
  return list
    .split(',')
    .map((entry, index) => ({ entry: entry.trim(), index }))
    .filter(({ entry }) => entry !== '')
    .map(({ entry, index }) => parseKey(entry, `${OLD_KEYS_ENV} entry ${index + 1}`));
}

/** One key a line; blank lines and lines starting with `#` are skipped. A missing file has no keys. */
function oldKeysFromFile(path: string): Buffer[] {
  const text = readPrivateFile(path);
  if (text === undefined) return [];
  return text
    .split(/\r?\n/)
    .map((line, index) => ({ line: line.trim(), index }))
    .filter(({ line }) => line !== '' && !line.startsWith('#'))
    .map(({ line, index }) => parseKey(line, `${path} line ${index + 1}`));
}
