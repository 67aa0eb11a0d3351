import { verifyGithubSignature } from './github-signature.js';
import { verifyHmacSignature } from './hmac-signature.js';
import type {
  SchemeInput,
  VerifiedDelivery,
  VerifyWebhookSignatureInput,
  WebhookSignatureScheme,
} from './signature-types.js';
import { verifyStandardWebhooksSignature } from './standard-webhooks-signature.js';
import { verifyStripeSignature } from './stripe-signature.js';

const VERIFIERS: Record<WebhookSignatureScheme, (input: SchemeInput) => VerifiedDelivery> = {
  github: verifyGithubSignature,
  stripe: verifyStripeSignature,
  'standard-webhooks': verifyStandardWebhooksSignature,
  hmac: verifyHmacSignature,
};

/**
 * Verifies an inbound webhook against its trigger's `verify` settings. Pure: no I/O, the clock is `now`.
 * Throws AtomError ATOM_ERR_HOOK_SIGNATURE (signature missing, malformed or not matching) or
 * ATOM_ERR_HOOK_REPLAYED (a genuine signature whose timestamp is outside the replay window); the messages
 * say what was wrong and never contain the secret or the expected signature. The caller dedupes on the
 * returned `deliveryId`: it is the only replay protection for `github` and for `hmac` without `x-timestamp`.
 *
 * @example
 * const { deliveryId } = verifyWebhookSignature({
 *   scheme: 'github',
 *   secret,
 *   headers: request.headers,
 *   rawBody,
 *   now: Date.now(),
 * });
 */
export function verifyWebhookSignature(input: VerifyWebhookSignatureInput): VerifiedDelivery {
  const { scheme, ...rest } = input;
  // A scheme outside the enum can only come from an unvalidated document: a bug, not a bad request.
  // hasOwn, so that a name such as `toString` does not reach Object.prototype.
  if (!Object.hasOwn(VERIFIERS, scheme)) throw new TypeError(`unknown webhook signature scheme: ${String(scheme)}`);
  return VERIFIERS[scheme](rest);
}
