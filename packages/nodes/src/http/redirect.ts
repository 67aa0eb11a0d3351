/** The next hop of a redirect, following the rules browsers and fetch apply. */
import type { IncomingHttpHeaders } from 'node:http';

export interface Hop {
  url: URL;
  method: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer | null;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Credentials meant for one origin must not follow a redirect to another.
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/** The request to send after `status`, or null when the answer is not a redirect to follow. */
export function redirectHop(hop: Hop, status: number, headers: IncomingHttpHeaders): Hop | null {
  const location = headers.location;
  if (!REDIRECTS.has(status) || location === undefined) return null;
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch {
    return null;
  }
  const next: Hop = { url, method: hop.method, headers: { ...hop.headers }, body: hop.body };
  // 303 always, and 301/302 after a POST, turn into a GET without a body (what every client does).
  if ((status === 303 && hop.method !== 'HEAD') || ((status === 301 || status === 302) && hop.method === 'POST')) {
    next.method = 'GET';
    next.body = null;
    for (const name of BODY_HEADERS) delete next.headers[name];
  }
  if (url.origin !== hop.url.origin) {
    for (const name of ORIGIN_BOUND_HEADERS) delete next.headers[name];
  }
  return next;
}
