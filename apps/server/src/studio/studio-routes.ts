/**
 * The Studio (apps/studio, a built single-page app) at `/` on the API's port: hashed files under
 * /assets are cached for a year (their names change with their content); index.html, the service
 * worker and the manifest are revalidated on every load. Any other GET outside /api, /hooks,
 * /health and /metrics that does not name a file answers index.html, so a deep link such as
 * /workflows/billing opens the app, which routes in the browser.
 */
import { sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface StudioOptions {
  /** The Studio's build folder (apps/studio/dist): index.html, assets/, sw.js, manifest. */
  root: string;
}

/**
 * The Studio page's Content-Security-Policy: only its own scripts; inline styles, which the graph
 * and the code editor set on elements; the API and the live stream on the same origin. Unlike the
 * API's default policy it does not upgrade requests to HTTPS, so the Studio also works over plain
 * HTTP on a LAN address (`--host`).
 */
export const STUDIO_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_THE_STUDIO = /^\/(api|hooks|health|metrics)(\/|$)/;
const HASHED = `${sep}assets${sep}`;

export async function studioRoutes(app: FastifyInstance, options: StudioOptions): Promise<void> {
  await app.register(fastifyStatic, {
    root: options.root,
    prefix: '/',
    // One route per built file, found at start-up; the fallback below answers everything else.
    wildcard: false,
    index: false,
    cacheControl: false,
    schemaHide: true,
    // The build writes a .gz beside each text file (scripts/report-bundle.mjs); sent when accepted.
    preCompressed: true,
    setHeaders(reply, path) {
      reply.header('cache-control', path.includes(HASHED) ? 'public, max-age=31536000, immutable' : 'no-cache');
      if (path.endsWith('.html')) reply.header('content-security-policy', STUDIO_CSP);
    },
  });

  const shell = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    const last = path.split('/').at(-1) ?? '';
    // API paths keep their problem+json 404; a missing file (an old hashed asset) is a 404 too.
    if (NOT_THE_STUDIO.test(path) || last.includes('.')) return reply.callNotFound();
    return reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', STUDIO_CSP)
      .type('text/html; charset=utf-8')
      .sendFile('index.html');
  };
  app.get('/', { schema: { hide: true } }, shell);
  app.get('/*', { schema: { hide: true } }, shell);
}
