import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { atomErrorOf, expectNoLeak } from './signature-test.fixture.js';
import { verifyStripeSignature } from './stripe-signature.js';

const SECRET = 'whsec_stripe_test_4e1d0b';
const EVENT_ID = 'evt_1NG8Du2eZvKYlo2CUI79vXWy';
const BODY = Buffer.from(JSON.stringify({ id: EVENT_ID, object: 'event', type: 'invoice.paid' }));
const T = 1_735_689_600; // 2025-01-01T00:00:00Z
const NOW = T * 1000;

/** The v1 signature as Stripe computes it: hex HMAC-SHA256 of `${t}.${payload}`, keyed with the whole secret. */
function v1(secret: string, t: number, body: Buffer): string {
  return createHmac('sha256', secret)
    .update(`${t}.${body.toString('utf8')}`)
    .digest('hex');
}

/** The header as Stripe documents it: `t=…,v1=…[,v0=…]`. */
function stripeHeader(t: number, ...parts: string[]): string {
  return [`t=${t}`, ...parts].join(',');
}

function verify(header: string | undefined, options: { body?: Buffer; now?: number; toleranceMs?: number } = {}) {
  return verifyStripeSignature({
    secret: SECRET,
    headers: { 'stripe-signature': header },
    rawBody: options.body ?? BODY,
    now: options.now ?? NOW,
    ...(options.toleranceMs === undefined ? {} : { toleranceMs: options.toleranceMs }),
  });
}

describe('stripe signatures', () => {
  it('accepts a valid signature and returns the event id as the delivery id', () => {
    expect(verify(stripeHeader(T, `v1=${v1(SECRET, T, BODY)}`))).toEqual({ deliveryId: EVENT_ID });
  });

  it('ignores v0 and unknown schemes, in any order', () => {
    const header = `v0=${'0'.repeat(64)},t=${T},x9=whatever,v1=${v1(SECRET, T, BODY)}`;
    expect(verify(header)).toEqual({ deliveryId: EVENT_ID });
  });

  it('accepts any matching v1 among several (a secret being rolled)', () => {
    const header = stripeHeader(
      T,
      `v1=${v1('whsec_old', T, BODY)}`,
      `v1=${v1(SECRET, T, BODY)}`,
      `v0=${'a'.repeat(64)}`,
    );
    expect(verify(header)).toEqual({ deliveryId: EVENT_ID });
  });

  it('returns null as the delivery id when the body is not JSON or has no string id', () => {
    for (const text of ['not json', '[1,2]', '{"id":42}', '{"object":"event"}', '"evt_x"', '']) {
      const body = Buffer.from(text);
      expect(verify(stripeHeader(T, `v1=${v1(SECRET, T, body)}`), { body })).toEqual({ deliveryId: null });
    }
  });

  it('refuses a signature made with another secret', () => {
    const error = atomErrorOf(
      () => verify(stripeHeader(T, `v1=${v1('whsec_other', T, BODY)}`)),
      'ATOM_ERR_HOOK_SIGNATURE',
    );
    expect(error.message).toMatch(/^the v1 signature in header stripe-signature does not match/);
    expectNoLeak(error, SECRET, v1(SECRET, T, BODY));
  });

  it('says how many v1 signatures it tried when none matches', () => {
    const header = stripeHeader(T, `v1=${v1('a', T, BODY)}`, `v1=${v1('b', T, BODY)}`);
    const error = atomErrorOf(() => verify(header), 'ATOM_ERR_HOOK_SIGNATURE');
    expect(error.message).toMatch(/^none of the 2 v1 signatures in header stripe-signature matches/);
  });

  it('refuses a tampered body or timestamp', () => {
    const signature = `v1=${v1(SECRET, T, BODY)}`;
    const body = Buffer.from(JSON.stringify({ id: EVENT_ID, object: 'event', type: 'invoice.voided' }));
    atomErrorOf(() => verify(stripeHeader(T, signature), { body }), 'ATOM_ERR_HOOK_SIGNATURE');
    atomErrorOf(() => verify(stripeHeader(T + 1, signature)), 'ATOM_ERR_HOOK_SIGNATURE');
  });

  it('refuses a missing header', () => {
    const error = atomErrorOf(() => verify(undefined), 'ATOM_ERR_HOOK_SIGNATURE');
    expect(error.message).toMatch(/^missing header stripe-signature/);
  });

  it('refuses a malformed header, saying what is wrong', () => {
    const sig = `v1=${v1(SECRET, T, BODY)}`;
    const cases: [string, string][] = [
      [sig, 'no t='],
      [`t=${T},t=${T},${sig}`, 't= appears 2 times'],
      [`t=soon,${sig}`, 't= is not unix seconds'],
      [`t=0${T},${sig}`, 't= is not unix seconds'],
      [`t=${T}`, 'no v1= signature'],
      [`t=${T},v0=${'0'.repeat(64)}`, 'no v1= signature'],
      [`t=${T};${sig}`, 't= is not unix seconds'],
      [`t=${T},${v1(SECRET, T, BODY)}`, 'an element is not key=value'],
    ];
    for (const [header, why] of cases) {
      const error = atomErrorOf(() => verify(header), 'ATOM_ERR_HOOK_SIGNATURE');
      expect(error.message).toBe(
        `header stripe-signature is malformed (${why}); expected t=<unix seconds>,v1=<hex>[,v1=<hex>…]`,
      );
    }
  });

  it('refuses a timestamp too old, saying by how much', () => {
    const t = T - 600;
    const error = atomErrorOf(() => verify(stripeHeader(t, `v1=${v1(SECRET, t, BODY)}`)), 'ATOM_ERR_HOOK_REPLAYED');
    expect(error.message).toBe(`stripe-signature timestamp ${t} is 10m old, 5m too old; the replay window is ±5m`);
    expectNoLeak(error, SECRET, v1(SECRET, t, BODY));
  });

  it('refuses a timestamp too new, saying by how much', () => {
    const t = T + 301;
    const error = atomErrorOf(() => verify(stripeHeader(t, `v1=${v1(SECRET, t, BODY)}`)), 'ATOM_ERR_HOOK_REPLAYED');
    expect(error.message).toBe(
      `stripe-signature timestamp ${t} is 5m 1s in the future, 1s too new; the replay window is ±5m (check the sender's clock)`,
    );
  });

  it('accepts the edges of the window and honours toleranceMs', () => {
    for (const t of [T - 300, T + 300]) {
      expect(verify(stripeHeader(t, `v1=${v1(SECRET, t, BODY)}`))).toEqual({ deliveryId: EVENT_ID });
    }
    const t = T - 60;
    const header = stripeHeader(t, `v1=${v1(SECRET, t, BODY)}`);
    expect(verify(header, { toleranceMs: 60_000 })).toEqual({ deliveryId: EVENT_ID });
    const error = atomErrorOf(() => verify(header, { toleranceMs: 59_500 }), 'ATOM_ERR_HOOK_REPLAYED');
    expect(error.message).toMatch(/is 1m old, 500ms too old; the replay window is ±59s 500ms$/);
  });

  it('reports a forged signature with a stale timestamp as a bad signature, not a replay', () => {
    const t = T - 3600;
    atomErrorOf(() => verify(stripeHeader(t, `v1=${v1('whsec_forged', t, BODY)}`)), 'ATOM_ERR_HOOK_SIGNATURE');
  });
});
