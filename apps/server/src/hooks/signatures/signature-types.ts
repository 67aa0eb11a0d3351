import type { WebhookTriggerDocument } from '@atom/spec';
import type { IncomingHeaders } from './signature-primitives.js';

/** The schemes a webhook trigger's `verify.scheme` may name; the spec's enum is the source of truth. */
export type WebhookSignatureScheme = NonNullable<WebhookTriggerDocument['verify']>['scheme'];

/** What verification needs: the trigger's `verify` settings and the request exactly as received. */
export interface VerifyWebhookSignatureInput {
  scheme: WebhookSignatureScheme;
  /** The resolved signing secret (never logged, never part of an error message). */
  secret: string;
  /** Header holding the signature, for `hmac` only (default `x-signature`); the other schemes ignore it. */
  header?: string;
  /** Replay window for timestamped schemes, both directions (default 5 minutes). */
  toleranceMs?: number;
  /** Request headers with lower-case names, as Node gives them. */
  headers: IncomingHeaders;
  /** The body bytes exactly as received: parsing and re-serialising JSON breaks every signature. */
  rawBody: Buffer;
  /** The current time in epoch milliseconds (passed in so that verification stays pure). */
  now: number;
}

/** A delivery whose signature verified. */
export interface VerifiedDelivery {
  /** The sender's id for this delivery, for the caller to dedupe retries and replays; null when none. */
  deliveryId: string | null;
}

/** The input of one scheme's verifier. */
export type SchemeInput = Omit<VerifyWebhookSignatureInput, 'scheme'>;
