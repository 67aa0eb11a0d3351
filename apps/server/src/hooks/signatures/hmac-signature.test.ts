import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyHmacSignature } from './hmac-signature.js';
import { atomErrorOf, expectNoLeak } from './signature-test.fixture.js';

const SECRET = 'hmac-secret-91ad07';
const BODY = Buffer.from('{"order":1234,"status":"paid"}');
const T = 1_735_689_600;
const NOW = T * 1000;

function hex(secret: string, content: string): string {
  return createHmac('sha256', secret).update(content).digest('hex');
}

function verify(
  headers: Record<string, string | undefined>,
  options: { header?: string; body?: Buffer; now?: number; toleranceMs?: number } = {},
) {
  return verifyHmacSignature({
    secret: SECRET,
    headers,
    rawBody: options.body ?? BODY,
    now: options.now ?? NOW,
    ...(options.header === undefined ? {} : { header: options.header }),
    ...(options.toleranceMs === undefined ? {} : { toleranceMs: options.toleranceMs }),
  });
}

describe('hmac signatures', () => {
  it('accepts the hex HMAC of the body in x-signature, with or without sha256=', () => {
    const signature = hex(SECRET, BODY.toString());
    expect(verify({ 'x-signature': signature })).toEqual({ deliveryId: null });
    expect(verify({ 'x-signature': `sha256=${signature}` })).toEqual({ deliveryId: null });
  });

  it('reads the header the trigger names, whatever its case', () => {
    const signature = hex(SECRET, BODY.toString());
    expect(verify({ 'x-acme-signature': signature }, { header: 'X-Acme-Signature' })).toEqual({ deliveryId: null });
    const error = atomErrorOf(
      () => verify({ 'x-signature': signature }, { header: 'x-acme-signature' }),
      'ATOM_ERR_HOOK_SIGNATURE',
    );
    expect(error.message).toMatch(/^missing header x-acme-signature/);
  });

  it('takes the delivery id from x-delivery-id, else idempotency-key, else null', () => {
    const signature = hex(SECRET, BODY.toString());
    expect(verify({ 'x-signature': signature, 'x-delivery-id': 'd-1', 'idempotency-key': 'k-1' })).toEqual({
      deliveryId: 'd-1',
    });
    expect(verify({ 'x-signature': signature, 'idempotency-key': 'k-1' })).toEqual({ deliveryId: 'k-1' });
    expect(verify({ 'x-signature': signature, 'x-github-delivery': 'g-1' })).toEqual({ deliveryId: null });
  });

  it('signs "<timestamp>.<body>" when x-timestamp is sent', () => {
    const signature = hex(SECRET, `${T}.${BODY.toString()}`);
    expect(verify({ 'x-signature': signature, 'x-timestamp': String(T) })).toEqual({ deliveryId: null });
    const bodyOnly = hex(SECRET, BODY.toString());
    const error = atomErrorOf(
      () => verify({ 'x-signature': bodyOnly, 'x-timestamp': String(T) }),
      'ATOM_ERR_HOOK_SIGNATURE',
    );
    expect(error.message).toMatch(/^header x-signature does not match x-timestamp \+ "\." \+ the body/);
    atomErrorOf(() => verify({ 'x-signature': signature }), 'ATOM_ERR_HOOK_SIGNATURE');
    atomErrorOf(() => verify({ 'x-signature': signature, 'x-timestamp': String(T + 1) }), 'ATOM_ERR_HOOK_SIGNATURE');
  });

  it('refuses a signature made with another secret', () => {
    const error = atomErrorOf(
      () => verify({ 'x-signature': hex('other', BODY.toString()) }),
      'ATOM_ERR_HOOK_SIGNATURE',
    );
    expect(error.message).toBe(
      'header x-signature does not match the body: wrong secret, or the body was changed in transit',
    );
    expectNoLeak(error, SECRET, hex(SECRET, BODY.toString()));
  });

  it('refuses a tampered body', () => {
    const signature = hex(SECRET, BODY.toString());
    atomErrorOf(
      () => verify({ 'x-signature': signature }, { body: Buffer.from('{"order":1234,"status":"refunded"}') }),
      'ATOM_ERR_HOOK_SIGNATURE',
    );
  });

  it('refuses a missing or malformed signature header', () => {
    const missing = atomErrorOf(() => verify({}), 'ATOM_ERR_HOOK_SIGNATURE');
    expect(missing.message).toMatch(/^missing header x-signature/);
    const signature = hex(SECRET, BODY.toString());
    for (const value of [
      signature.slice(1),
      `sha1=${signature}`,
      `sha256:${signature}`,
      Buffer.from(signature, 'hex').toString('base64'),
    ]) {
      const error = atomErrorOf(() => verify({ 'x-signature': value }), 'ATOM_ERR_HOOK_SIGNATURE');
      expect(error.message).toBe(
        'header x-signature is malformed: expected 64 hex digits, optionally prefixed sha256=',
      );
    }
  });

  it('refuses a malformed x-timestamp', () => {
    for (const t of ['', 'yesterday', `${T * 1000}.5`, '-5']) {
      const signature = hex(SECRET, `${t}.${BODY.toString()}`);
      const error = atomErrorOf(
        () => verify({ 'x-signature': signature, 'x-timestamp': t }),
        'ATOM_ERR_HOOK_SIGNATURE',
      );
      expect(error.message).toBe('header x-timestamp is malformed: expected unix seconds');
    }
  });

  it('refuses a timestamp too old or too new, saying by how much', () => {
    const old = T - 301;
    const tooOld = atomErrorOf(
      () => verify({ 'x-signature': hex(SECRET, `${old}.${BODY.toString()}`), 'x-timestamp': String(old) }),
      'ATOM_ERR_HOOK_REPLAYED',
    );
    expect(tooOld.message).toBe(`x-timestamp ${old} is 5m 1s old, 1s too old; the replay window is ±5m`);
    const future = T + 7200;
    const tooNew = atomErrorOf(
      () => verify({ 'x-signature': hex(SECRET, `${future}.${BODY.toString()}`), 'x-timestamp': String(future) }),
      'ATOM_ERR_HOOK_REPLAYED',
    );
    expect(tooNew.message).toMatch(/is 2h in the future, 1h 55m too new; the replay window is ±5m/);
    expectNoLeak(tooNew, SECRET);
  });

  it('honours toleranceMs', () => {
    const t = T - 3600;
    const headers = { 'x-signature': hex(SECRET, `${t}.${BODY.toString()}`), 'x-timestamp': String(t) };
    expect(verify(headers, { toleranceMs: 3_600_000 })).toEqual({ deliveryId: null });
    atomErrorOf(() => verify(headers), 'ATOM_ERR_HOOK_REPLAYED');
  });
});
