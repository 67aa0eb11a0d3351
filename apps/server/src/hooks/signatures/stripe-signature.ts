import {
  checkReplayWindow,
  hexMatches,
  hmacSha256,
  parseUnixSeconds,
  requireHeader,
  requireSecret,
  signatureError,
  toleranceOf,
} from './signature-primitives.js';
import type { SchemeInput, VerifiedDelivery } from './signature-types.js';

const SIGNATURE_HEADER = 'stripe-signature';
const SHAPE = 't=<unix seconds>,v1=<hex>[,v1=<hex>…]';

/**
 * Stripe: `Stripe-Signature: t=<unix s>,v1=<hex>[,v1=…][,v0=…]`, each v1 the hex HMAC-SHA256 of
 * `${t}.${body}` keyed with the whole endpoint secret (`whsec_…` included, used as text). Any matching v1
 * passes (Stripe sends several while a secret is being rolled); v0 and unknown schemes are ignored.
 * A `t` further than `toleranceMs` from `now` either way is ATOM_ERR_HOOK_REPLAYED, checked after the
 * signature so that only genuine deliveries are reported as replays.
 *
 * The delivery id is the event id, the top-level `id` of the JSON body (Stripe keeps it across retries);
 * null when the body is not JSON or has no string `id`.
 */
export function verifyStripeSignature(input: SchemeInput): VerifiedDelivery {
  requireSecret(input.secret);
  const tolerance = toleranceOf(input.toleranceMs);
  const value = requireHeader(input.headers, SIGNATURE_HEADER, 'Stripe sends it with every event');
  const { timestamp, signatures } = parseStripeHeader(value);
  const digest = hmacSha256(input.secret, `${timestamp}.`, input.rawBody);
  // No early exit: every candidate is compared, so timing does not tell which one matched.
  const matched = signatures.reduce((found, candidate) => hexMatches(candidate, digest) || found, false);
  if (!matched) {
    const where = `in header ${SIGNATURE_HEADER}`;
    const finding =
      signatures.length === 1
        ? `the v1 signature ${where} does not match`
        : `none of the ${signatures.length} v1 signatures ${where} matches`;
    throw signatureError(`${finding}: wrong secret, or the body was changed in transit`);
  }
  checkReplayWindow(`${SIGNATURE_HEADER} timestamp`, timestamp, input.now, tolerance);
  return { deliveryId: eventIdOf(input.rawBody) };
}

function parseStripeHeader(value: string): { timestamp: number; signatures: string[] } {
  const malformed = (why: string) =>
    signatureError(`header ${SIGNATURE_HEADER} is malformed (${why}); expected ${SHAPE}`);
  const timestamps: string[] = [];
  const signatures: string[] = [];
  for (const item of value.split(',')) {
    const part = item.trim();
    if (part === '') continue;
    const equals = part.indexOf('=');
    if (equals <= 0) throw malformed('an element is not key=value');
    const key = part.slice(0, equals);
    if (key === 't') timestamps.push(part.slice(equals + 1));
    else if (key === 'v1') signatures.push(part.slice(equals + 1));
  }
  if (timestamps.length !== 1) {
    throw malformed(timestamps.length === 0 ? 'no t=' : `t= appears ${timestamps.length} times`);
  }
  const timestamp = parseUnixSeconds(timestamps[0] as string);
  if (timestamp === undefined) throw malformed('t= is not unix seconds');
  if (signatures.length === 0) throw malformed('no v1= signature');
  return { timestamp, signatures };
}

/** The top-level `id` of a JSON body (a Stripe event id such as `evt_…`), else null. */
function eventIdOf(rawBody: Buffer): string | null {
  try {
    const body: unknown = JSON.parse(rawBody.toString('utf8'));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
    const id = (body as Record<string, unknown>)['id'];
    return typeof id === 'string' && id !== '' ? id : null;
  } catch {
    return null;
  }
}
