import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyGithubSignature } from './github-signature.js';
import { atomErrorOf, expectNoLeak } from './signature-test.fixture.js';

const SECRET = 'gh-secret-5f2c9a';
const BODY = Buffer.from('{"action":"opened","number":7}');
const NOW = Date.UTC(2025, 0, 1);
const DELIVERY = '72d3162e-cc78-11e3-81ab-4c9367dc0958';

function sign(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function verify(
  headers: Record<string, string | string[] | undefined>,
  options: { secret?: string; body?: Buffer } = {},
) {
  return verifyGithubSignature({ secret: options.secret ?? SECRET, headers, rawBody: options.body ?? BODY, now: NOW });
}

describe('github signatures', () => {
  it('verifies the example of GitHub docs', () => {
    const headers = {
      'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    };
    expect(verify(headers, { secret: "It's a Secret to Everybody", body: Buffer.from('Hello, World!') })).toEqual({
      deliveryId: null,
    });
  });

  it('accepts a valid signature and returns X-GitHub-Delivery as the delivery id', () => {
    const headers = { 'x-hub-signature-256': sign(SECRET, BODY), 'x-github-delivery': DELIVERY };
    expect(verify(headers)).toEqual({ deliveryId: DELIVERY });
  });

  it('accepts upper-case hex and a one-element header array', () => {
    const signature = sign(SECRET, BODY);
    expect(verify({ 'x-hub-signature-256': `sha256=${signature.slice(7).toUpperCase()}` })).toEqual({
      deliveryId: null,
    });
    expect(verify({ 'x-hub-signature-256': [signature] })).toEqual({ deliveryId: null });
  });

  it('verifies an old delivery: GitHub signs no timestamp, the delivery id is the replay guard', () => {
    const headers = { 'x-hub-signature-256': sign(SECRET, BODY), 'x-github-delivery': DELIVERY };
    const later = verifyGithubSignature({
      secret: SECRET,
      headers,
      rawBody: BODY,
      now: NOW + 86_400_000,
      toleranceMs: 1,
    });
    expect(later.deliveryId).toBe(DELIVERY);
  });

  it('refuses a signature made with another secret', () => {
    const error = atomErrorOf(() => verify({ 'x-hub-signature-256': sign('other', BODY) }), 'ATOM_ERR_HOOK_SIGNATURE');
    expect(error.message).toMatch(/x-hub-signature-256 does not match the body/);
    expectNoLeak(error, SECRET, sign(SECRET, BODY).slice(7));
  });

  it('refuses a tampered body', () => {
    const headers = { 'x-hub-signature-256': sign(SECRET, BODY) };
    const error = atomErrorOf(
      () => verify(headers, { body: Buffer.from('{"action":"closed","number":7}') }),
      'ATOM_ERR_HOOK_SIGNATURE',
    );
    expect(error.message).toMatch(/does not match/);
  });

  it('refuses a missing header, naming it (the legacy SHA-1 header does not count)', () => {
    const sha1 = createHmac('sha1', SECRET).update(BODY).digest('hex');
    for (const headers of [{}, { 'x-hub-signature': `sha1=${sha1}` }, { 'x-hub-signature-256': '' }]) {
      const error = atomErrorOf(() => verify(headers), 'ATOM_ERR_HOOK_SIGNATURE');
      expect(error.message).toMatch(/^missing header x-hub-signature-256/);
    }
  });

  it('refuses a malformed header', () => {
    const hex = sign(SECRET, BODY).slice(7);
    for (const value of [hex, `sha1=${hex}`, `sha256=${hex.slice(2)}`, `sha256=${hex}zz`, 'sha256=']) {
      const error = atomErrorOf(() => verify({ 'x-hub-signature-256': value }), 'ATOM_ERR_HOOK_SIGNATURE');
      expect(error.message).toMatch(/x-hub-signature-256 is malformed: expected sha256=<64 hex digits>/);
      expectNoLeak(error, SECRET);
    }
  });

  it('refuses a signature header sent twice', () => {
    const signature = sign(SECRET, BODY);
    const error = atomErrorOf(
      () => verify({ 'x-hub-signature-256': [signature, signature] }),
      'ATOM_ERR_HOOK_SIGNATURE',
    );
    expect(error.message).toBe('header x-hub-signature-256 was sent 2 times; expected once');
  });

  it('refuses an empty secret', () => {
    const error = atomErrorOf(
      () => verify({ 'x-hub-signature-256': sign('', BODY) }, { secret: '' }),
      'ATOM_ERR_HOOK_SIGNATURE',
    );
    expect(error.message).toMatch(/secret is empty/);
  });
});
