import type { IncomingHeaders } from './signature-primitives.js';

/** Headers that name a delivery, first match wins: Atom's own, then the common conventions. */
const DELIVERY_ID_HEADERS = ['x-delivery-id', 'idempotency-key', 'x-github-delivery', 'webhook-id'] as const;

/**
 * The sender's id for this delivery, for webhooks without a signature: the caller dedupes retries on it.
 * Reads `x-delivery-id`, `idempotency-key`, `x-github-delivery`, `webhook-id` in that order; null when
 * none is present (or all are empty).
 *
 * @example
 * deliveryIdOf({ 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' }) // '72d3162e-…'
 */
export function deliveryIdOf(headers: IncomingHeaders): string | null {
  for (const name of DELIVERY_ID_HEADERS) {
    const id = deliveryIdHeader(headers, name);
    if (id !== null) return id;
  }
  return null;
}

/**
 * One header as a delivery id: trimmed, null when absent or empty. Never throws: a header repeated with
 * the same value counts once; repeated with different values it names no single delivery, so null.
 */
export function deliveryIdHeader(headers: IncomingHeaders, name: string): string | null {
  const raw = headers[name];
  const values = (typeof raw === 'string' ? [raw] : (raw ?? [])).map((value) => value.trim());
  const first = values[0];
  if (first === undefined || first === '' || values.some((value) => value !== first)) return null;
  return first;
}
