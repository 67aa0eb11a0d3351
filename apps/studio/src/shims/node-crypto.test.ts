import { createHash as nodeHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHash } from './node-crypto';

describe("the browser's sha256 stand-in", () => {
  it('hashes like node:crypto, across block boundaries and non-ASCII text', () => {
    const texts = ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'é☃𝄞 unicode', 'x'.repeat(100_003)];
    for (const text of texts) {
      expect(createHash('sha256').update(text).digest('hex')).toBe(nodeHash('sha256').update(text).digest('hex'));
    }
  });
});
