import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('scrubs secret values from messages and fields, also JSON-escaped', () => {
    const { lines, destination } = capture();
    const secrets = ['s3cr3t-value', 'with"quote'];
    const logger = createLogger({ secretValues: () => secrets, destination });
    logger.info({ runId: 'r1', data: { token: 's3cr3t-value', q: 'with"quote' } }, 'calling with s3cr3t-value');
    const line = lines.join('');
    expect(line).toContain('"runId":"r1"');
    expect(line).not.toContain('s3cr3t-value');
    expect(line).not.toContain('with\\"quote');
    expect(line.match(/\[redacted\]/g)).toHaveLength(3);
  });

  it('removes credential headers by path', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ secretValues: () => [], destination });
    logger.info({ headers: { authorization: 'Bearer atom_x', accept: 'json' } }, 'request');
    expect(lines.join('')).not.toContain('atom_x');
  });

  it('leaves very short values alone instead of scrubbing ordinary text', () => {
    expect(scrubSecrets('a b c', ['a'])).toBe('a b c');
  });
});
