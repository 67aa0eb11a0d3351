/**
 * Signatures as the senders make them (GitHub, Stripe, Standard Webhooks, plain HMAC), for tests that
 * deliver signed webhooks to a real server.
 */
import { createHmac } from 'node:crypto';

/** `X-Hub-Signature-256`: `sha256=<hex HMAC-SHA256(secret, body)>`. */
export function githubSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** `Stripe-Signature`: `t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export function stripeSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** `webhook-signature`: `v1,<base64 HMAC-SHA256(base64-decoded key, "<id>.<t>.<body>")>`. */
export function standardWebhooksSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** Plain HMAC: hex HMAC-SHA256 of the body, or of `<timestamp>.<body>` when a timestamp is sent. */
export function hmacSignature(secret: string, body: string, timestamp?: number): string {
  return createHmac('sha256', secret)
    .update(timestamp === undefined ? body : `${timestamp}.${body}`)
    .digest('hex');
}
