import { describe, expect, it } from 'vitest';
import { type Hop, redirectHop } from './redirect.js';

const post: Hop = {
  url: new URL('https://a.example/start'),
  method: 'POST',
  headers: { authorization: 'Bearer t', cookie: 'c=1', 'content-type': 'application/json', 'x-trace': '1' },
  body: Buffer.from('{}'),
};

describe('redirectHop', () => {
  it('turns a POST into a GET without body on 303, 302 and 301', () => {
    for (const status of [301, 302, 303]) {
      const next = redirectHop(post, status, { location: '/done' });
      expect(next).toMatchObject({ method: 'GET', body: null });
      expect(next?.url.href).toBe('https://a.example/done');
      expect(next?.headers).toEqual({ authorization: 'Bearer t', cookie: 'c=1', 'x-trace': '1' });
    }
  });

  it('keeps method and body on 307 and 308', () => {
    expect(redirectHop(post, 307, { location: '/again' })).toMatchObject({ method: 'POST', body: post.body });
    expect(redirectHop(post, 308, { location: '/again' })).toMatchObject({ method: 'POST' });
  });

  it('drops credentials when the origin changes', () => {
    const next = redirectHop(post, 307, { location: 'https://b.example/x' });
    expect(next?.headers).toEqual({ 'content-type': 'application/json', 'x-trace': '1' });
    expect(redirectHop(post, 307, { location: 'https://a.example:8443/x' })?.headers.authorization).toBeUndefined();
  });

  it('does not follow non-redirects or redirects without a usable Location', () => {
    expect(redirectHop(post, 200, { location: '/x' })).toBeNull();
    expect(redirectHop(post, 304, { location: '/x' })).toBeNull();
    expect(redirectHop(post, 302, {})).toBeNull();
    expect(redirectHop(post, 302, { location: 'http://[bad' })).toBeNull();
  });
});
