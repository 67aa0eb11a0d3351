/**
 * Encryption keys as text: 32 random bytes written as base64 (what `generateKey` prints) or as 64 hex
 * characters (what `openssl rand -hex 32` prints). A key's id is public: it names the key inside each
 * sealed value without revealing anything about it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AtomError } from '@atom/errors';

/** AES-256 needs exactly this many key bytes. */
export const KEY_BYTES = 32;

/** How a key may be written; quoted in every error about a malformed key. */
export const KEY_FORMS =
  '32 bytes as base64 (44 characters, as printed by `atom keys generate`) or as 64 hex characters';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
// 32 bytes are 43 base64 characters plus one `=` of padding; both alphabets, padding optional.
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;
const BASE64URL_KEY = /^[A-Za-z0-9_-]{43}=?$/;

/**
 * A new random key, base64-encoded, for `ATOM_ENCRYPTION_KEY` or a key file.
 *
 * @example
 * generateKey() // 'q3J0c2VjcmV0...=' (44 characters)
 */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * The key bytes written in `text` (surrounding whitespace ignored). `source` names where the text came
 * from (`ATOM_ENCRYPTION_KEY`, a file and line) for the error, which never repeats the text itself.
 */
export function parseKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (HEX_KEY.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (BASE64_KEY.test(trimmed)) return Buffer.from(trimmed, 'base64');
  if (BASE64URL_KEY.test(trimmed)) return Buffer.from(trimmed, 'base64url');
  throw new AtomError('ATOM_ERR_CONFIG_INVALID', `${source} is not an encryption key: expected ${KEY_FORMS}`);
}

/** The first 8 hex characters of the SHA-256 of the key bytes: stable, public, and short. */
export function keyIdOf(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}
