/**
 * API tokens: 32 random bytes, shown once as `atom_<base64url>`, stored only as their SHA-256.
 * A plain (unsalted) hash is right here: the token has 256 bits of entropy, so nothing can be
 * guessed from the hash, and lookups stay one indexed equality.
 */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'atom_';

export function generateApiToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
