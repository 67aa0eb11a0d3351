import {
  checkReplayWindow,
  hmacSha256,
  parseUnixSeconds,
  requireHeader,
  safeEqual,
  signatureError,
  toleranceOf,
} from './signature-primitives.js';
import type { SchemeInput, VerifiedDelivery } from './signature-types.js';

const SECRET_PREFIX = 'whsec_';
// Standard alphabet, padded, as the reference libraries' decoders demand.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HINT = 'a Standard Webhooks sender sends webhook-id, webhook-timestamp and webhook-signature';

/**
 * Standard Webhooks (https://www.standardwebhooks.com, also Svix's format under `webhook-*` names):
 * `webhook-signature` is a space-separated list of `v1,<base64 HMAC-SHA256>` over
 * `${webhook-id}.${webhook-timestamp}.${body}`; any matching v1 passes, other versions (`v1a`, the
 * asymmetric ed25519 one) are skipped. The key is the secret base64-decoded after an optional `whsec_`
 * prefix, exactly as the reference libraries do; a secret that is not base64 is a configuration error.
 * A timestamp further than `toleranceMs` from `now` either way is ATOM_ERR_HOOK_REPLAYED (checked after
 * the signature). The delivery id is `webhook-id`, which the sender keeps across retries.
 */
export function verifyStandardWebhooksSignature(input: SchemeInput): VerifiedDelivery {
  const key = standardWebhooksKey(input.secret);
  const tolerance = toleranceOf(input.toleranceMs);
  const id = requireHeader(input.headers, 'webhook-id', HINT);
  const timestampText = requireHeader(input.headers, 'webhook-timestamp', HINT);
  const signatureList = requireHeader(input.headers, 'webhook-signature', HINT);
  const timestamp = parseUnixSeconds(timestampText);
  if (timestamp === undefined) throw signatureError('header webhook-timestamp is malformed: expected unix seconds');
  const signatures = signatureList
    .split(/\s+/)
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice('v1,'.length));
  if (signatures.length === 0) {
    throw signatureError(
      'header webhook-signature is malformed: expected space-separated v1,<base64> signatures (v1a is not supported)',
    );
  }
  const expected = Buffer.from(hmacSha256(key, `${id}.${timestamp}.`, input.rawBody).toString('base64'));
  // No early exit: every candidate is compared, so timing does not tell which one matched.
  const matched = signatures.reduce((found, candidate) => safeEqual(Buffer.from(candidate), expected) || found, false);
  if (!matched) {
    const finding =
      signatures.length === 1
        ? 'the v1 signature in header webhook-signature does not match'
        : `none of the ${signatures.length} v1 signatures in header webhook-signature matches`;
    throw signatureError(`${finding}: wrong secret, or the id, timestamp or body was changed in transit`);
  }
  checkReplayWindow('webhook-timestamp', timestamp, input.now, tolerance);
  return { deliveryId: id };
}

/** The HMAC key: the base64 after `whsec_` (or the whole secret when it has no prefix), decoded. */
function standardWebhooksKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!BASE64.test(encoded)) {
    throw signatureError(
      "the trigger's standard-webhooks secret is not base64 (expected whsec_<base64>, as the sender shows it); no signature can verify",
    );
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length === 0) throw signatureError("the trigger's signing secret is empty, so no signature can verify");
  return key;
}
