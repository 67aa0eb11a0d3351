import { createHmac } from 'node:crypto';
import { AtomError } from '@atom/errors';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TOLERANCE_MS,
  type IncomingHeaders,
  type VerifyWebhookSignatureInput,
  verifyWebhookSignature,
  type WebhookSignatureScheme,
} from './index.js';

const KEY = Buffer.from('dispatcher key 0123456789abcdef', 'utf8');
const SECRETS: Record<WebhookSignatureScheme, string> = {
  github: 'gh_S3cr3t_zq81',
  stripe: 'whsec_stripe_S3cr3t_zq81',
  'standard-webhooks': `whsec_${KEY.toString('base64')}`,
  hmac: 'hmac_S3cr3t_zq81',
};
const BODY = Buffer.from('{"id":"evt_1","kind":"test"}');
const T = 1_735_689_600;
const NOW = T * 1000;

function hexOf(secret: string | Buffer, content: string): string {
  return createHmac('sha256', secret).update(content).digest('hex');
}

/** Valid headers per scheme, and the expected signature (which must never show in an error). */
function valid(scheme: WebhookSignatureScheme, t = T): { headers: IncomingHeaders; expected: string[] } {
  const body = BODY.toString();
  switch (scheme) {
    case 'github': {
      const hex = hexOf(SECRETS.github, body);
      return { headers: { 'x-hub-signature-256': `sha256=${hex}`, 'x-github-delivery': 'gh-1' }, expected: [hex] };
    }
    case 'stripe': {
      const hex = hexOf(SECRETS.stripe, `${t}.${body}`);
      return { headers: { 'stripe-signature': `t=${t},v1=${hex}` }, expected: [hex] };
    }
    case 'standard-webhooks': {
      const b64 = createHmac('sha256', KEY).update(`msg_1.${t}.${body}`).digest('base64');
      return {
        headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': String(t), 'webhook-signature': `v1,${b64}` },
        expected: [b64, KEY.toString('base64')],
      };
    }
    case 'hmac': {
      const hex = hexOf(SECRETS.hmac, `${t}.${body}`);
      return { headers: { 'x-signature': hex, 'x-timestamp': String(t), 'x-delivery-id': 'd-1' }, expected: [hex] };
    }
  }
}

function input(
  scheme: WebhookSignatureScheme,
  headers: IncomingHeaders,
  extra: Partial<VerifyWebhookSignatureInput> = {},
) {
  return { scheme, secret: SECRETS[scheme], headers, rawBody: BODY, now: NOW, ...extra };
}

const SCHEMES = Object.keys(SECRETS) as WebhookSignatureScheme[];

describe('verifyWebhookSignature', () => {
  it('dispatches to each scheme and returns its delivery id', () => {
    const ids: Record<WebhookSignatureScheme, string> = {
      github: 'gh-1',
      stripe: 'evt_1',
      'standard-webhooks': 'msg_1',
      hmac: 'd-1',
    };
    for (const scheme of SCHEMES) {
      expect(verifyWebhookSignature(input(scheme, valid(scheme).headers))).toEqual({ deliveryId: ids[scheme] });
    }
  });

  it('does not let one scheme verify another one’s headers', () => {
    for (const scheme of SCHEMES) {
      for (const other of SCHEMES.filter((name) => name !== scheme)) {
        expect(() => verifyWebhookSignature(input(scheme, valid(other).headers))).toThrow(AtomError);
      }
    }
  });

  it('uses `header` for hmac only', () => {
    const { headers } = valid('github');
    const renamed = { 'x-custom': headers['x-hub-signature-256'] };
    expect(() => verifyWebhookSignature(input('github', renamed, { header: 'x-custom' }))).toThrow(/missing header/);
    const hex = hexOf(SECRETS.hmac, BODY.toString());
    expect(verifyWebhookSignature(input('hmac', { 'x-custom': hex }, { header: 'x-custom' }))).toEqual({
      deliveryId: null,
    });
  });

  it('defaults the replay window to 5 minutes', () => {
    expect(DEFAULT_TOLERANCE_MS).toBe(300_000);
    for (const scheme of ['stripe', 'standard-webhooks', 'hmac'] as const) {
      expect(() => verifyWebhookSignature(input(scheme, valid(scheme, T - 300).headers))).not.toThrow();
      expect(() => verifyWebhookSignature(input(scheme, valid(scheme, T - 301).headers))).toThrow(
        expect.objectContaining({ code: 'ATOM_ERR_HOOK_REPLAYED' }),
      );
    }
  });

  it('treats a negative or non-finite toleranceMs as a bug of the caller', () => {
    for (const toleranceMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => verifyWebhookSignature(input('stripe', valid('stripe').headers, { toleranceMs }))).toThrow(
        RangeError,
      );
    }
  });

  it('never puts the secret or the expected signature in an error', () => {
    for (const scheme of SCHEMES) {
      const secret = SECRETS[scheme];
      const { headers, expected } = valid(scheme);
      const stale = valid(scheme, T - 3600).headers;
      // Headers stuffed with the secret itself: a message that echoed header values would leak it.
      const stuffed = Object.fromEntries(Object.keys(headers).map((name) => [name, secret]));
      const attempts: Partial<VerifyWebhookSignatureInput>[] = [
        { headers: {} },
        { headers: stuffed },
        { headers: Object.fromEntries(Object.keys(headers).map((name) => [name, `${secret},v1=${secret}`])) },
        { headers, rawBody: Buffer.from('tampered') },
        { headers, secret: `${secret}x` },
        { headers: stale },
        { headers, secret: '' },
        {
          headers: Object.fromEntries(
            Object.entries(headers).map(([name, value]) => [name, [String(value), String(value)]]),
          ),
        },
      ];
      let errors = 0;
      for (const attempt of attempts) {
        try {
          verifyWebhookSignature(input(scheme, {}, attempt));
        } catch (error) {
          expect(error).toBeInstanceOf(AtomError);
          const visible = `${(error as AtomError).message} ${JSON.stringify((error as AtomError).toRecord())}`;
          for (const hidden of [secret, secret.replace(/^whsec_/, ''), ...expected])
            expect(visible).not.toContain(hidden);
          errors++;
        }
      }
      // Only the stale delivery may pass, and only for github, which signs no timestamp.
      expect(errors).toBe(scheme === 'github' ? attempts.length - 1 : attempts.length);
    }
  });
});

describe('verifyWebhookSignature with an unvalidated scheme', () => {
  it('throws a TypeError, even for names of Object.prototype', () => {
    for (const scheme of ['svix', 'toString', '__proto__']) {
      const unchecked = { ...input('hmac', {}), scheme } as unknown as VerifyWebhookSignatureInput;
      expect(() => verifyWebhookSignature(unchecked)).toThrow(TypeError);
    }
  });
});
