import { deliveryIdHeader } from './delivery-id.js';
import {
  hexMatches,
  hmacSha256,
  isSha256Hex,
  requireHeader,
  requireSecret,
  signatureError,
} from './signature-primitives.js';
import type { SchemeInput, VerifiedDelivery } from './signature-types.js';

const SIGNATURE_HEADER = 'x-hub-signature-256';
const PREFIX = 'sha256=';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`; the delivery id is
 * `X-GitHub-Delivery`. The legacy SHA-1 `X-Hub-Signature` is not accepted.
 *
 * GitHub signs no timestamp, so a captured delivery verifies forever and `toleranceMs` plays no part:
 * replay protection rests on the caller deduping on the returned delivery id (GitHub keeps the id when it
 * or a user redelivers).
 */
export function verifyGithubSignature(input: SchemeInput): VerifiedDelivery {
  requireSecret(input.secret);
  const value = requireHeader(input.headers, SIGNATURE_HEADER, 'GitHub sends it when the webhook has a secret');
  const hex = value.slice(PREFIX.length);
  if (!value.startsWith(PREFIX) || !isSha256Hex(hex)) {
    throw signatureError(`header ${SIGNATURE_HEADER} is malformed: expected sha256=<64 hex digits>`);
  }
  const digest = hmacSha256(input.secret, input.rawBody);
  if (!hexMatches(hex, digest)) {
    throw signatureError(
      `header ${SIGNATURE_HEADER} does not match the body: wrong secret, or the body was changed in transit`,
    );
  }
  return { deliveryId: deliveryIdHeader(input.headers, 'x-github-delivery') };
}
