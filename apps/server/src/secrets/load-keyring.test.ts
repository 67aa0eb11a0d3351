import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyFile } from './key-files.js';
import { generateKey, keyIdOf } from './key-material.js';
import { createKeyring } from './keyring.js';
import { loadKeyring } from './load-keyring.js';
import { thrown } from './thrown.fixture.js';

const CONTEXT = 'workspace:w1/secret:API_KEY';
const posix = process.platform !== 'win32';

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'atom-secrets-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function idOf(base64: string): string {
  return keyIdOf(Buffer.from(base64, 'base64'));
}

function writeKeyFile(name: string, text: string, mode = 0o600): string {
  const path = join(dataDir, name);
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  return path;
}

describe('loadKeyring with the key file', () => {
  it('creates encryption.key with mode 0600 on first use and reuses it afterwards', () => {
    const created: string[] = [];
    const first = loadKeyring({ env: {}, dataDir, onKeyFileCreated: (path) => created.push(path) });
    const path = join(dataDir, 'encryption.key');
    expect(created).toEqual([path]);
    expect(readdirSync(dataDir)).toEqual(['encryption.key']); // no temp file left behind
    if (posix) expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(first.activeKeyId).toBe(idOf(text.trim()));

    const sealed = first.seal('value', CONTEXT);
    const second = loadKeyring({ env: {}, dataDir, onKeyFileCreated: (p) => created.push(p) });
    expect(created).toHaveLength(1);
    expect(second.activeKeyId).toBe(first.activeKeyId);
    expect(second.open(sealed, CONTEXT)).toBe('value');
  });

  it.runIf(posix)('creates the file with mode 0600 whatever the umask', () => {
    const previous = process.umask(0);
    try {
      loadKeyring({ env: {}, dataDir });
    } finally {
      process.umask(previous);
    }
    expect(statSync(join(dataDir, 'encryption.key')).mode & 0o777).toBe(0o600);
  });

  it.runIf(posix).each(['0644', '0640', '0604', '0620', '0602'])(
    'refuses a key file with mode %s, saying how to fix it',
    (octal) => {
      const mode = Number.parseInt(octal, 8);
      const key = generateKey();
      const path = writeKeyFile('encryption.key', `${key}\n`, mode);
      const error = thrown(() => loadKeyring({ env: {}, dataDir }));
      expect(error.code).toBe('ATOM_ERR_CONFIG_INVALID');
      expect(error.message).toContain(`chmod 600 ${path}`);
      expect(error.message).toContain(`mode ${octal}`);
      expect(error.message).not.toContain(key);
      chmodSync(path, 0o600);
      expect(loadKeyring({ env: {}, dataDir }).activeKeyId).toBe(idOf(key));
    },
  );

  it.runIf(posix)('quotes a path with spaces in the chmod advice', () => {
    const folder = join(dataDir, 'my data');
    mkdirSync(folder);
    writeFileSync(join(folder, 'encryption.key'), generateKey(), { mode: 0o644 });
    chmodSync(join(folder, 'encryption.key'), 0o644);
    expect(thrown(() => loadKeyring({ env: {}, dataDir: folder })).message).toContain(
      `chmod 600 '${join(folder, 'encryption.key')}'`,
    );
  });

  it('accepts a read-only (0400) key file in hex form', () => {
    const key = generateKey();
    const path = writeKeyFile('encryption.key', Buffer.from(key, 'base64').toString('hex'), 0o400);
    expect(loadKeyring({ env: {}, dataDir }).activeKeyId).toBe(idOf(key));
    chmodSync(path, 0o600);
  });

  it('refuses a key file that holds no key, without quoting it', () => {
    writeKeyFile('encryption.key', 'not-a-key-but-maybe-a-password\n');
    const error = thrown(() => loadKeyring({ env: {}, dataDir }));
    expect(error.code).toBe('ATOM_ERR_CONFIG_INVALID');
    expect(error.message).toContain(join(dataDir, 'encryption.key'));
    expect(error.message).not.toContain('maybe-a-password');
  });

  it('refuses an empty key file instead of replacing it', () => {
    writeKeyFile('encryption.key', '');
    expect(thrown(() => loadKeyring({ env: {}, dataDir })).code).toBe('ATOM_ERR_CONFIG_INVALID');
    expect(readFileSync(join(dataDir, 'encryption.key'), 'utf8')).toBe('');
  });

  it('refuses a key file that is a folder', () => {
    mkdirSync(join(dataDir, 'encryption.key'));
    expect(thrown(() => loadKeyring({ env: {}, dataDir })).message).toContain('not a regular file');
  });

  it('refuses a data folder that does not exist or is a file, creating nothing', () => {
    const missing = join(dataDir, 'missing');
    const error = thrown(() => loadKeyring({ env: {}, dataDir: missing }));
    expect(error.code).toBe('ATOM_ERR_CONFIG_INVALID');
    expect(error.message).toContain(missing);
    expect(error.message).toContain('ATOM_ENCRYPTION_KEY');
    expect(readdirSync(dataDir)).toEqual([]);
    const file = writeKeyFile('plain-file', 'x');
    expect(thrown(() => loadKeyring({ env: {}, dataDir: file })).code).toBe('ATOM_ERR_CONFIG_INVALID');
  });

  it('never overwrites a key file that appeared meanwhile', () => {
    const key = generateKey();
    const path = writeKeyFile('encryption.key', key);
    expect(createKeyFile(path)).toBeUndefined();
    expect(readFileSync(path, 'utf8')).toBe(key);
    expect(readdirSync(dataDir)).toEqual(['encryption.key']);
  });
});

describe('loadKeyring with ATOM_ENCRYPTION_KEY', () => {
  it('uses the variable (base64 or hex) and leaves the data folder alone', () => {
    const key = generateKey();
    expect(loadKeyring({ env: { ATOM_ENCRYPTION_KEY: key }, dataDir }).activeKeyId).toBe(idOf(key));
    const hex = Buffer.from(key, 'base64').toString('hex');
    expect(loadKeyring({ env: { ATOM_ENCRYPTION_KEY: ` ${hex}\n` }, dataDir }).activeKeyId).toBe(idOf(key));
    expect(readdirSync(dataDir)).toEqual([]);
    expect(loadKeyring({ env: { ATOM_ENCRYPTION_KEY: key }, dataDir: join(dataDir, 'missing') }).activeKeyId).toBe(
      idOf(key),
    );
  });

  it('treats an empty variable as unset', () => {
    const keyring = loadKeyring({ env: { ATOM_ENCRYPTION_KEY: '  ' }, dataDir });
    expect(keyring.activeKeyId).toBe(idOf(readFileSync(join(dataDir, 'encryption.key'), 'utf8').trim()));
  });

  it.each([
    'correct-horse-battery-staple',
    Buffer.alloc(16, 7).toString('base64'),
    Buffer.alloc(32, 7).toString('hex').slice(2),
    `${generateKey()}x`,
  ])('refuses a malformed key (case %#), naming the variable and the forms, not the value', (value) => {
    const error = thrown(() => loadKeyring({ env: { ATOM_ENCRYPTION_KEY: value }, dataDir }));
    expect(error.code).toBe('ATOM_ERR_CONFIG_INVALID');
    expect(error.message).toContain('ATOM_ENCRYPTION_KEY');
    expect(error.message).toContain('64 hex characters');
    expect(error.message).not.toContain(value);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});

describe('loadKeyring old keys', () => {
  it('adds the keys of ATOM_ENCRYPTION_KEYS_OLD and of encryption.keys.old, which then open', () => {
    const [a, b, c, active] = [generateKey(), generateKey(), generateKey(), generateKey()];
    const sealed = [a, b, c].map((key) => createKeyring({ active: key }).seal(`by ${key}`, CONTEXT));
    writeKeyFile('encryption.keys.old', `# retired 2024-05\r\n\n  ${c}  \r\n`);
    const keyring = loadKeyring({
      env: {
        ATOM_ENCRYPTION_KEY: active,
        ATOM_ENCRYPTION_KEYS_OLD: ` ${a} ,,${Buffer.from(b, 'base64').toString('hex')},`,
      },
      dataDir,
    });
    expect(keyring.keyIds).toEqual([active, a, b, c].map(idOf));
    [a, b, c].forEach((key, index) => {
      expect(keyring.open(sealed[index]!, CONTEXT)).toBe(`by ${key}`);
      expect(keyring.needsRotation(sealed[index]!)).toBe(true);
    });
  });

  it('uses old keys together with the key file', () => {
    const old = generateKey();
    const sealed = createKeyring({ active: old }).seal('value', CONTEXT);
    writeKeyFile('encryption.keys.old', `${old}\n`);
    const keyring = loadKeyring({ env: {}, dataDir });
    const rotated = keyring.rotate(sealed, CONTEXT);
    expect(loadKeyring({ env: {}, dataDir }).open(rotated, CONTEXT)).toBe('value');
    rmSync(join(dataDir, 'encryption.keys.old'));
    expect(loadKeyring({ env: {}, dataDir }).open(rotated, CONTEXT)).toBe('value');
  });

  it('names the bad entry or line without quoting it', () => {
    const good = generateKey();
    const envError = thrown(() =>
      loadKeyring({ env: { ATOM_ENCRYPTION_KEY: good, ATOM_ENCRYPTION_KEYS_OLD: `${good},oops-secret` }, dataDir }),
    );
    expect(envError.message).toContain('ATOM_ENCRYPTION_KEYS_OLD entry 2');
    expect(envError.message).not.toContain('oops-secret');
    const path = writeKeyFile('encryption.keys.old', `# comment\n${good}\noops-secret\n`);
    const fileError = thrown(() => loadKeyring({ env: { ATOM_ENCRYPTION_KEY: good }, dataDir }));
    expect(fileError.message).toContain(`${path} line 3`);
    expect(fileError.message).not.toContain('oops-secret');
  });

  it.runIf(posix)('refuses an old keys file that others can read', () => {
    const path = writeKeyFile('encryption.keys.old', `${generateKey()}\n`, 0o644);
    const error = thrown(() => loadKeyring({ env: { ATOM_ENCRYPTION_KEY: generateKey() }, dataDir }));
    expect(error.code).toBe('ATOM_ERR_CONFIG_INVALID');
    expect(error.message).toContain(`chmod 600 ${path}`);
  });
});
