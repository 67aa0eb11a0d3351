import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKey, keyIdOf, parseKey } from './key-material.js';
import { thrown } from './thrown.fixture.js';

describe('key material', () => {
  it('generates distinct 32-byte keys as 44 characters of base64', () => {
    const a = generateKey();
    const b = generateKey();
    expect(a).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a, 'base64')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('reads base64, base64url, unpadded and hex (either case) forms, ignoring surrounding whitespace', () => {
    const bytes = randomBytes(32);
    const forms = [
      bytes.toString('base64'),
      bytes.toString('base64url'),
      bytes.toString('base64').replace(/=$/, ''),
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      `  ${bytes.toString('base64')}\n`,
    ];
    for (const form of forms) expect(parseKey(form, 'TEST_KEY').equals(bytes)).toBe(true);
  });

  it('refuses other forms, naming the source and the expected forms but never the value', () => {
    const bad = [
      '',
      'secret',
      randomBytes(31).toString('base64'),
      randomBytes(33).toString('base64'),
      randomBytes(32).toString('hex').slice(1),
      `${randomBytes(32).toString('hex')}0`,
      'g'.repeat(64),
      `${randomBytes(32).toString('base64').slice(0, 42)}!=`,
      `${generateKey()},${generateKey()}`,
    ];
    for (const value of bad) {
      const error = thrown(() => parseKey(value, 'ATOM_ENCRYPTION_KEY'));
      expect(error.code).toBe('ATOM_ERR_CONFIG_INVALID');
      expect(error.message).toContain('ATOM_ENCRYPTION_KEY');
      expect(error.message).toContain('base64');
      expect(error.message).toContain('64 hex characters');
      if (value.length > 3) expect(error.message).not.toContain(value);
    }
  });

  it('names a key by the first 8 hex characters of its SHA-256', () => {
    const bytes = randomBytes(32);
    expect(keyIdOf(bytes)).toBe(createHash('sha256').update(bytes).digest('hex').slice(0, 8));
    expect(keyIdOf(bytes)).toMatch(/^[0-9a-f]{8}$/);
  });
});
