/**
 * The text form of a sealed secret: `v1.<keyId>.<iv>.<ciphertext+tag>`, the last two base64url
 * without padding. base64url has no `.`, so the four parts split unambiguously.
 */
import { AtomError } from '@atom/errors';

/** Which code a sealed value that cannot be opened reports; one place to change it. */
export const OPEN_ERROR_CODE = 'ATOM_ERR_SECRET_DECRYPT' as const;

export const SEALED_VERSION = 'v1';
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export interface SealedParts {
  keyId: string;
  iv: Buffer;
  /** The ciphertext followed by the 16-byte GCM tag. */
  body: Buffer;
}

const KEY_ID = /^[0-9a-f]{8}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const FORM = `${SEALED_VERSION}.<keyId>.<iv>.<ciphertext>`;

export function formatSealed(parts: SealedParts): string {
  return `${SEALED_VERSION}.${parts.keyId}.${parts.iv.toString('base64url')}.${parts.body.toString('base64url')}`;
}

/**
 * Splits a sealed value. The error never quotes the value: a malformed one may be a plaintext that was
 * stored by mistake.
 */
export function parseSealed(sealed: string): SealedParts {
  const parts = typeof sealed === 'string' ? sealed.split('.') : [];
  const [version, keyId, iv, body] = parts;
  if (parts.length !== 4 || version === undefined || keyId === undefined || iv === undefined || body === undefined) {
    throw malformed(`expected ${FORM}`);
  }
  if (version !== SEALED_VERSION) {
    const known = /^v[0-9]{1,3}$/.test(version);
    throw malformed(
      known ? `format ${version} is newer than this version of Atom reads (${SEALED_VERSION})` : `expected ${FORM}`,
    );
  }
  if (!KEY_ID.test(keyId)) throw malformed('the key id is not 8 hex characters');
  const ivBytes = decodeCanonical(iv);
  if (ivBytes === undefined || ivBytes.length !== IV_BYTES)
    throw malformed(`the iv is not ${IV_BYTES} bytes of base64url`);
  const bodyBytes = decodeCanonical(body);
  if (bodyBytes === undefined || bodyBytes.length < TAG_BYTES) throw malformed('the ciphertext is not base64url');
  return { keyId, iv: ivBytes, body: bodyBytes };
}

/** Decodes only the one canonical spelling, so no bit of the text can change without being noticed. */
function decodeCanonical(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

function malformed(why: string): AtomError {
  return new AtomError(OPEN_ERROR_CODE, `Cannot open a sealed secret: the value is not a sealed secret (${why})`);
}
