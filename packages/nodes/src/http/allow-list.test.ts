import { describe, expect, it } from 'vitest';
import { compileAllowList, parseHttpAllow } from './allow-list.js';

describe('parseHttpAllow', () => {
  it('splits on commas and spaces and drops empty entries', () => {
    expect(parseHttpAllow(' 127.0.0.1, 10.0.0.0/8  api.internal,,[::1] ')).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      'api.internal',
      '[::1]',
    ]);
    expect(parseHttpAllow(undefined)).toEqual([]);
    expect(parseHttpAllow('')).toEqual([]);
  });

  it('refuses malformed entries with ATOM_ERR_CONFIG_INVALID', () => {
    expect(() => parseHttpAllow('10.0.0.0/33')).toThrow(expect.objectContaining({ code: 'ATOM_ERR_CONFIG_INVALID' }));
    expect(() => parseHttpAllow('fd00::/129')).toThrow(/prefix/);
    expect(() => parseHttpAllow('http://x')).toThrow(/ATOM_HTTP_ALLOW: "http:\/\/x"/);
    expect(() => parseHttpAllow('10.0.0.0/8/1')).toThrow();
  });
});

describe('compileAllowList', () => {
  const allow = compileAllowList(['127.0.0.1', '10.0.0.0/8', 'fd00::/8', '[::1]', 'API.internal', '*.corp.example']);

  it('matches addresses, CIDRs and the IPv4 inside mapped IPv6', () => {
    expect(allow.allowsAddress('127.0.0.1')).toBe(true);
    expect(allow.allowsAddress('127.0.0.2')).toBe(false);
    expect(allow.allowsAddress('10.20.30.40')).toBe(true);
    expect(allow.allowsAddress('fd12::1')).toBe(true);
    expect(allow.allowsAddress('::1')).toBe(true);
    expect(allow.allowsAddress('::ffff:10.0.0.1')).toBe(true);
    expect(allow.allowsAddress('192.168.0.1')).toBe(false);
    expect(allow.allowsAddress('not-an-ip')).toBe(false);
  });

  it('matches host names case-insensitively, and wildcard suffixes', () => {
    expect(allow.allowsHost('api.internal')).toBe(true);
    expect(allow.allowsHost('API.INTERNAL.')).toBe(true);
    expect(allow.allowsHost('db.corp.example')).toBe(true);
    expect(allow.allowsHost('corp.example')).toBe(false);
    expect(allow.allowsHost('evilcorp.example')).toBe(false);
    expect(allow.allowsHost('localhost')).toBe(false);
  });
});
