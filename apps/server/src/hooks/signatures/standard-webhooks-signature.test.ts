import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { atomErrorOf, expectNoLeak } from './signature-test.fixture.js';
import { verifyStandardWebhooksSignature } from './standard-webhooks-signature.js';

// The example of the Standard Webhooks reference libraries (and of Svix's docs).
const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_TIMESTAMP = 1614265330;
const SPEC_BODY = Buffer.from('{"test": 2432232314}');
const SPEC_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

const KEY = Buffer.from('standard-webhooks test key 7c1e9', 'utf8');
const SECRET = `whsec_${KEY.toString('base64')}`;
const ID = 'msg_2bQ0jXyZ';
const T = 1_735_689_600;
const NOW = T * 1000;
const BODY = Buffer.from('{"type":"user.created","data":{"id":"u_1"}}');

/** A signature as the spec defines it: base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`. */
function v1(key: Buffer, id: string, t: number, body: Buffer): string {
  return `v1,${createHmac('sha256', key)
    .update(`${id}.${t}.${body.toString('utf8')}`)
    .digest('base64')}`;
}

function headersOf(signature: string, options: { id?: string; t?: number | string } = {}) {
  return {
    'webhook-id': options.id ?? ID,
    'webhook-timestamp': String(options.t ?? T),
    'webhook-signature': signature,
  };
}

function verify(
  headers: Record<string, string | undefined>,
  options: { secret?: string; body?: Buffer; now?: number; toleranceMs?: number } = {},
) {
  return verifyStandardWebhooksSignature({
    secret: options.secret ?? SECRET,
    headers,
    rawBody: options.body ?? BODY,
    now: options.now ?? NOW,
    ...(options.toleranceMs === undefined ? {} : { toleranceMs: options.toleranceMs }),
  });
}

describe('standard webhooks signatures', () => {
  it('verifies the example of the reference libraries', () => {
    const headers = {
      'webhook-id': SPEC_ID,
      'webhook-timestamp': String(SPEC_TIMESTAMP),
      'webhook-signature': SPEC_SIGNATURE,
    };
    const result = verify(headers, { secret: SPEC_SECRET, body: SPEC_BODY, now: SPEC_TIMESTAMP * 1000 });
    expect(result).toEqual({ deliveryId: SPEC_ID });
  });

  it('computes the same signature as the reference example', () => {
    const key = Buffer.from(SPEC_SECRET.slice('whsec_'.length), 'base64');
    expect(v1(key, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).toBe(SPEC_SIGNATURE);
  });

  it('accepts a valid signature and returns webhook-id as the delivery id', () => {
    expect(verify(headersOf(v1(KEY, ID, T, BODY)))).toEqual({ deliveryId: ID });
  });

  it('base64-decodes a secret without the whsec_ prefix, as the reference libraries do', () => {
    expect(verify(headersOf(v1(KEY, ID, T, BODY)), { secret: KEY.toString('base64') })).toEqual({ deliveryId: ID });
  });

  it('accepts any matching v1 among several and skips other versions', () => {
    const other = v1(Buffer.from('old key'), ID, T, BODY);
    const signature = `v1a,${'A'.repeat(88)} ${other}  ${v1(KEY, ID, T, BODY)} v2,xyz`;
    expect(verify(headersOf(signature))).toEqual({ deliveryId: ID });
  });

  it('refuses a signature made with another secret', () => {
    const error = atomErrorOf(
      () => verify(headersOf(v1(Buffer.from('other'), ID, T, BODY))),
      'ATOM_ERR_HOOK_SIGNATURE',
    );
    expect(error.message).toMatch(/^the v1 signature in header webhook-signature does not match/);
    expectNoLeak(error, SECRET, KEY.toString('base64'), v1(KEY, ID, T, BODY).slice(3));
  });

  it('says how many v1 signatures it tried when none matches', () => {
    const signature = `${v1(Buffer.from('a'), ID, T, BODY)} ${v1(Buffer.from('b'), ID, T, BODY)}`;
    const error = atomErrorOf(() => verify(headersOf(signature)), 'ATOM_ERR_HOOK_SIGNATURE');
    expect(error.message).toMatch(/^none of the 2 v1 signatures in header webhook-signature matches/);
  });

  it('refuses a tampered body, id or timestamp', () => {
    const signature = v1(KEY, ID, T, BODY);
    atomErrorOf(() => verify(headersOf(signature), { body: Buffer.from('{}') }), 'ATOM_ERR_HOOK_SIGNATURE');
    atomErrorOf(() => verify(headersOf(signature, { id: 'msg_other' })), 'ATOM_ERR_HOOK_SIGNATURE');
    atomErrorOf(() => verify(headersOf(signature, { t: T + 1 })), 'ATOM_ERR_HOOK_SIGNATURE');
  });

  it('refuses a missing header, naming it', () => {
    const complete = headersOf(v1(KEY, ID, T, BODY));
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const error = atomErrorOf(() => verify({ ...complete, [name]: undefined }), 'ATOM_ERR_HOOK_SIGNATURE');
      expect(error.message).toMatch(new RegExp(`^missing header ${name} `));
    }
  });

  it('refuses a malformed timestamp or signature list', () => {
    const signature = v1(KEY, ID, T, BODY);
    for (const t of ['1.5e9', '-1', `${T}.0`, 'now']) {
      const error = atomErrorOf(() => verify(headersOf(signature, { t })), 'ATOM_ERR_HOOK_SIGNATURE');
      expect(error.message).toBe('header webhook-timestamp is malformed: expected unix seconds');
    }
    for (const list of [signature.slice(3), `v1a,${'A'.repeat(88)}`, `V1,${signature.slice(3)}`]) {
      const error = atomErrorOf(() => verify(headersOf(list)), 'ATOM_ERR_HOOK_SIGNATURE');
      expect(error.message).toMatch(/^header webhook-signature is malformed: expected space-separated v1,<base64>/);
    }
  });

  it('refuses a secret that is not base64, without showing it', () => {
    for (const secret of ['whsec_not base64!', 'plain-text-secret', 'whsec_abc', 'whsec_']) {
      const error = atomErrorOf(() => verify(headersOf(v1(KEY, ID, T, BODY)), { secret }), 'ATOM_ERR_HOOK_SIGNATURE');
      expect(error.message).toMatch(/secret/);
      expectNoLeak(error, secret.replace(/^whsec_/, '') || secret);
    }
  });

  it('refuses a timestamp too old or too new, saying by how much', () => {
    const old = T - 3600;
    const tooOld = atomErrorOf(() => verify(headersOf(v1(KEY, ID, old, BODY), { t: old })), 'ATOM_ERR_HOOK_REPLAYED');
    expect(tooOld.message).toBe(`webhook-timestamp ${old} is 1h old, 55m too old; the replay window is ±5m`);
    const future = T + 400;
    const tooNew = atomErrorOf(
      () => verify(headersOf(v1(KEY, ID, future, BODY), { t: future })),
      'ATOM_ERR_HOOK_REPLAYED',
    );
    expect(tooNew.message).toBe(
      `webhook-timestamp ${future} is 6m 40s in the future, 1m 40s too new; the replay window is ±5m (check the sender's clock)`,
    );
    expectNoLeak(tooNew, SECRET, KEY.toString('base64'), v1(KEY, ID, future, BODY).slice(3));
  });

  it('honours toleranceMs', () => {
    const t = T - 30;
    const headers = headersOf(v1(KEY, ID, t, BODY), { t });
    expect(verify(headers, { toleranceMs: 30_000 })).toEqual({ deliveryId: ID });
    atomErrorOf(() => verify(headers, { toleranceMs: 29_999 }), 'ATOM_ERR_HOOK_REPLAYED');
  });
});
