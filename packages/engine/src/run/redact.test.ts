import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactText, secretForms, secretValues } from './redact.js';

const SECRET = 'sk_live_9c1e/5a+7b 3d"é';
const forms = secretValues({ KEY: SECRET });
const hidden = (text: string) => redactText(text, forms);

describe('redaction', () => {
  it('hides the value and each common encoding of it', () => {
    const bytes = Buffer.from(SECRET, 'utf8');
    const encodings = {
      raw: SECRET,
      base64: bytes.toString('base64'),
      base64url: bytes.toString('base64url'),
      hex: bytes.toString('hex'),
      HEX: bytes.toString('hex').toUpperCase(),
      url: encodeURIComponent(SECRET),
      form: new URLSearchParams({ k: SECRET }).toString().slice(2),
      json: JSON.stringify(SECRET).slice(1, -1),
    };
    for (const [name, encoded] of Object.entries(encodings)) {
      expect(hidden(`before ${encoded} after`), name).toBe(`before ${REDACTED} after`);
    }
  });

  it('hides the secret inside a longer base64 text, at every byte alignment (a Basic header)', () => {
    for (const user of ['a', 'ab', 'abc', 'user-name']) {
      const basic = `Basic ${Buffer.from(`${user}:${SECRET}`).toString('base64')}`;
      const redacted = hidden(basic);
      expect(redacted, user).toContain(REDACTED);
      // What is left of the encoding is at most the characters the user name and padding share.
      expect(redacted.replace('Basic ', '').replace(REDACTED, '').length, user).toBeLessThanOrEqual(
        Math.ceil(((user.length + 1) * 8) / 6) + 4,
      );
      for (const url of [true, false]) {
        const encoded = Buffer.from(`${user}:${SECRET}`).toString(url ? 'base64url' : 'base64');
        expect(hidden(encoded)).toContain(REDACTED);
      }
    }
  });

  it('walks objects and arrays, and leaves other text alone', () => {
    const value = { a: [`x${Buffer.from(SECRET).toString('hex')}y`, 3], b: 'nothing secret here', c: null };
    expect(redact(value, forms)).toEqual({ a: [`x${REDACTED}y`, 3], b: 'nothing secret here', c: null });
    expect(redact(value, [])).toBe(value);
  });

  it('ignores values shorter than 4 characters, and does not list a form twice', () => {
    expect(secretValues({ A: 'abc', B: 42 })).toEqual([]);
    const plain = secretForms(['abcdefgh']);
    expect(new Set(plain).size).toBe(plain.length);
    expect(plain).toContain('abcdefgh');
    expect(plain).toContain(Buffer.from('abcdefgh').toString('base64'));
  });

  it('treats regular-expression characters in a secret literally', () => {
    const tricky = secretForms(['a.b*c(d)[e]']);
    expect(redactText('a.b*c(d)[e] and aXbbbc', tricky)).toBe(`${REDACTED} and aXbbbc`);
  });
});
