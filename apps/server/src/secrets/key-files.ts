/**
 * Key files in the data folder. They hold keys, so they must be private to Atom's user: a file that
 * group or others may access is refused rather than used. A new key file is written to a temp file
 * (mode 0600) and then hard-linked into place, which fails instead of overwriting when another process
 * created the key first: two servers starting together on one data folder end up with one key.
 */

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AtomError } from '@atom/errors';
import { generateKey } from './key-material.js';

const PRIVATE_MODE = 0o600;
const GROUP_OR_OTHERS = 0o077;
// Errors of link(2) on file systems without hard links (some FUSE, SMB and FAT mounts).
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/**
 * The text of `path`, or undefined when it does not exist. Throws ATOM_ERR_CONFIG_INVALID when the
 * file is not a regular file, cannot be read, or group or others have any access to it.
 */
export function readPrivateFile(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw configError(`Cannot read the key file ${path} (${errorCode(error)})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw configError(`The key file ${path} is not a regular file`);
    // Windows has no POSIX modes to check; its ACLs are the administrator's business.
    if (process.platform !== 'win32' && (stat.mode & GROUP_OR_OTHERS) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw configError(
        `The key file ${path} is accessible to other users (mode ${mode}); ` +
          `make it private to Atom's user with: chmod 600 ${shellQuote(path)}`,
      );
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a new random key to `path` (mode 0600) and returns its text, or returns undefined when the
 * file appeared meanwhile (another process won; read that one).
 */
export function createKeyFile(path: string): string | undefined {
  const text = generateKey();
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', PRIVATE_MODE);
    try {
      fchmodSync(fd, PRIVATE_MODE); // the umask can only clear bits; this makes the mode exact
      writeFileSync(fd, `${text}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (!publish(temp, path)) return undefined;
    syncFolder(dirname(path));
    return text;
  } catch (error) {
    if (error instanceof AtomError) throw error;
    throw configError(
      `Cannot create the key file ${path} (${errorCode(error)}); make ${dirname(path)} writable by Atom's user, ` +
        'or set ATOM_ENCRYPTION_KEY',
    );
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Throws ATOM_ERR_CONFIG_INVALID unless `dataDir` is an existing folder. */
export function checkDataFolder(dataDir: string): void {
  let isFolder = false;
  try {
    isFolder = statSync(dataDir).isDirectory();
  } catch {
    // missing or unreadable: reported below
  }
  if (!isFolder) {
    throw configError(
      `The data folder ${dataDir} does not exist or is not a folder, so no key file can be kept there; ` +
        'create it, or set ATOM_ENCRYPTION_KEY',
    );
  }
}

/** Moves `temp` to `path` unless `path` exists; false when it does. */
function publish(temp: string, path: string): boolean {
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code)) throw error;
    // Without hard links, a rename is still atomic; only the check before it can race.
    if (existsSync(path)) return false;
    renameSync(temp, path);
    return true;
  }
}

/** Makes the new directory entry durable, so a crash cannot lose a key that already sealed secrets. */
function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms (Windows) cannot open or fsync a folder; the file itself is synced already.
  }
}

function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

function configError(message: string): AtomError {
  return new AtomError('ATOM_ERR_CONFIG_INVALID', message);
}
