import { deliveryIdHeader } from './delivery-id.js';
import {
  checkReplayWindow,
  hexMatches,
  hmacSha256,
  isSha256Hex,
  parseUnixSeconds,
  readHeader,
  requireHeader,
  requireSecret,
  signatureError,
  toleranceOf,
} from './signature-primitives.js';
import type { SchemeInput, VerifiedDelivery } from './signature-types.js';

/** The signature header when the trigger names none. */
export const DEFAULT_HMAC_HEADER = 'x-signature';
const TIMESTAMP_HEADER = 'x-timestamp';
const PREFIX = 'sha256=';

/**
 * Generic HMAC, for senders one configures by hand (README.md in this folder is the contract users read):
 * header `header` (default `x-signature`) holds the hex HMAC-SHA256 of the body keyed with the secret as
 * text, optionally prefixed `sha256=`. When `x-timestamp` (unix seconds) is sent, the signed content is
 * `${timestamp}.${body}` instead and the timestamp must be within `toleranceMs` of `now`. Without it
 * nothing limits replays but the caller's dedupe on the delivery id (`x-delivery-id`, else
 * `idempotency-key`, else null).
 */
export function verifyHmacSignature(input: SchemeInput): VerifiedDelivery {
  requireSecret(input.secret);
  const tolerance = toleranceOf(input.toleranceMs);
  const name = (input.header ?? DEFAULT_HMAC_HEADER).toLowerCase();
  const value = requireHeader(input.headers, name, 'the sender must sign every request');
  const hex = value.startsWith(PREFIX) ? value.slice(PREFIX.length) : value;
  if (!isSha256Hex(hex)) {
    throw signatureError(`header ${name} is malformed: expected 64 hex digits, optionally prefixed sha256=`);
  }
  const timestampText = readHeader(input.headers, TIMESTAMP_HEADER)?.trim();
  const timestamp = timestampText === undefined ? undefined : parseUnixSeconds(timestampText);
  if (timestampText !== undefined && timestamp === undefined) {
    throw signatureError(`header ${TIMESTAMP_HEADER} is malformed: expected unix seconds`);
  }
  const digest =
    timestamp === undefined
      ? hmacSha256(input.secret, input.rawBody)
      : hmacSha256(input.secret, `${timestamp}.`, input.rawBody);
  if (!hexMatches(hex, digest)) {
    const [signed, changed] =
      timestamp === undefined ? ['the body', 'body'] : [`${TIMESTAMP_HEADER} + "." + the body`, 'timestamp or body'];
    throw signatureError(
      `header ${name} does not match ${signed}: wrong secret, or the ${changed} was changed in transit`,
    );
  }
  if (timestamp !== undefined) checkReplayWindow(TIMESTAMP_HEADER, timestamp, input.now, tolerance);
  return {
    deliveryId: deliveryIdHeader(input.headers, 'x-delivery-id') ?? deliveryIdHeader(input.headers, 'idempotency-key'),
  };
}
