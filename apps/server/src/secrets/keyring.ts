/**
 * Seals and opens secrets with AES-256-GCM. One active key seals; the active key and any old keys
 * open, chosen by the key id written in the sealed value. The context (`workspace:<id>/secret:<name>`)
 * is authenticated with the ciphertext, so a value copied to another secret's row does not open.
 *
 * The key bytes live in private fields as KeyObjects: `JSON.stringify`, `util.inspect`, `String()` and
 * template strings show only the public key ids.
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { AtomError } from '@atom/errors';
import { keyIdOf, parseKey } from './key-material.js';
import { formatSealed, IV_BYTES, OPEN_ERROR_CODE, parseSealed, TAG_BYTES } from './sealed-value.js';

const CIPHER = 'aes-256-gcm';
const LONE_SURROGATE = /\p{Cs}/u;

/** What `JSON.stringify` and `util.inspect` show of a keyring. */
export interface KeyringSummary {
  activeKeyId: string;
  keyIds: string[];
}

export class Keyring {
  /** Id of the key that seals. */
  readonly activeKeyId: string;
  /** Ids of every key that opens, the active one first. */
  readonly keyIds: readonly string[];
  readonly #active: KeyObject;
  readonly #keys: ReadonlyMap<string, KeyObject>;

  /** @internal Use `createKeyring` or `loadKeyring`. */
  constructor(active: Uint8Array, old: readonly Uint8Array[]) {
    const bytes = new Map<string, Uint8Array>();
    for (const key of [active, ...old]) {
      const id = keyIdOf(key);
      const seen = bytes.get(id);
      if (seen === undefined) bytes.set(id, key);
      else if (!Buffer.from(seen).equals(key)) {
        // Two different keys with one id: 1 in 4 billion, but then a sealed value would name two keys.
        throw new AtomError('ATOM_ERR_CONFIG_INVALID', `Two different encryption keys share the id ${id}; replace one`);
      }
    }
    this.activeKeyId = keyIdOf(active);
    this.keyIds = Object.freeze([...bytes.keys()]);
    this.#keys = new Map([...bytes].map(([id, key]) => [id, createSecretKey(key)]));
    this.#active = this.#keys.get(this.activeKeyId)!;
  }

  /**
   * Encrypts `plaintext` with the active key under `context` and a random 96-bit IV.
   *
   * @example
   * keyring.seal('sk_live_123', 'workspace:w1/secret:STRIPE_KEY') // 'v1.3f9a1c0e.<iv>.<ciphertext>'
   */
  seal(plaintext: string, context: string): string {
    checkText(plaintext, 'plaintext');
    checkContext(context);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.#active, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return formatSealed({ keyId: this.activeKeyId, iv, body });
  }

  /**
   * Decrypts a value from `seal`, with whichever configured key sealed it. Throws when the value is
   * malformed, names a key that is not configured, was altered, or was sealed under another context.
   */
  open(sealed: string, context: string): string {
    checkContext(context);
    const { keyId, iv, body } = parseSealed(sealed);
    const key = this.#keys.get(keyId);
    if (key === undefined) {
      throw new AtomError(
        OPEN_ERROR_CODE,
        `Cannot open a sealed secret: it was sealed with key ${keyId}, which is not configured ` +
          `(configured: ${this.keyIds.join(', ')}); add that key to ATOM_ENCRYPTION_KEYS_OLD or encryption.keys.old`,
        { data: { keyId } },
      );
    }
    const decipher = createDecipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      const plain = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
      return plain.toString('utf8');
    } catch {
      // The cause is deliberately dropped: nothing decrypted may travel with the error.
      throw new AtomError(
        OPEN_ERROR_CODE,
        `Cannot open a sealed secret sealed with key ${keyId}: it was altered, or it was sealed for another context`,
        { data: { keyId } },
      );
    }
  }

  /** True when `sealed` names a key other than the active one (also when that key is not configured). */
  needsRotation(sealed: string): boolean {
    return parseSealed(sealed).keyId !== this.activeKeyId;
  }

  /** Opens `sealed` and seals the plaintext again with the active key, under the same context. */
  rotate(sealed: string, context: string): string {
    return this.seal(this.open(sealed, context), context);
  }

  toJSON(): KeyringSummary {
    return { activeKeyId: this.activeKeyId, keyIds: [...this.keyIds] };
  }

  toString(): string {
    return `[Keyring ${this.activeKeyId}]`;
  }

  [inspect.custom](): string {
    return `Keyring ${inspect(this.toJSON())}`;
  }
}

/**
 * A keyring from keys written as text (base64 or hex, see `generateKey`); `old` keys only open.
 * `loadKeyring` is the usual way in; this one suits tests and tools that hold keys already.
 *
 * @example
 * const keyring = createKeyring({ active: generateKey() });
 */
export function createKeyring(keys: { active: string; old?: readonly string[] }): Keyring {
  const active = parseKey(keys.active, 'The active key');
  const old = (keys.old ?? []).map((text, index) => parseKey(text, `Old key ${index + 1}`));
  return new Keyring(active, old);
}

function checkText(text: string, what: string): void {
  if (typeof text !== 'string') throw new AtomError('ATOM_ERR_INTERNAL', `The ${what} must be a string`);
  // UTF-8 would turn a lone surrogate into U+FFFD: the value would not come back as it went in.
  if (LONE_SURROGATE.test(text)) {
    throw new AtomError('ATOM_ERR_INTERNAL', `The ${what} holds a lone UTF-16 surrogate and cannot be stored as UTF-8`);
  }
}

function checkContext(context: string): void {
  checkText(context, 'context');
  if (context === '') {
    throw new AtomError(
      'ATOM_ERR_INTERNAL',
      'A secret needs a context (e.g. workspace:<id>/secret:<name>) to be sealed',
    );
  }
}
