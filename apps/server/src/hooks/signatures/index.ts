export { deliveryIdOf } from './delivery-id.js';
export { DEFAULT_HMAC_HEADER } from './hmac-signature.js';
export { DEFAULT_TOLERANCE_MS, type IncomingHeaders } from './signature-primitives.js';
export type { VerifiedDelivery, VerifyWebhookSignatureInput, WebhookSignatureScheme } from './signature-types.js';
export { verifyWebhookSignature } from './verify-webhook-signature.js';
