/**
 * The Studio at `/` on the API's port: hashed assets cached for a year, the shell revalidated, any
 * deep link answered with index.html (the app routes in the browser), gzip when accepted, and
 * nothing under /api, /hooks, /health or /metrics shadowed. A small stand-in build folder keeps
 * this test independent of the Vite build (test/studio/ drives the real one in Chromium).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, startServer } from '../support/server-harness.js';
import { useTempDir } from '../support/temp-dir.js';

const INDEX =
  '<!doctype html><html lang="en"><head><title>Atom Studio</title></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});`;

describe('the Studio served by the server', () => {
  const dir = useTempDir('atom-studio-dist-');
  let h: ServerHarness;

  beforeAll(async () => {
    mkdirSync(join(dir(), 'assets'));
    writeFileSync(join(dir(), 'index.html'), INDEX);
    writeFileSync(join(dir(), 'sw.js'), 'self.addEventListener("fetch", () => {});');
    writeFileSync(join(dir(), 'assets', 'index-abc123.js'), SCRIPT);
    writeFileSync(join(dir(), 'assets', 'index-abc123.js.gz'), gzipSync(SCRIPT));
    h = await startServer({ worker: false, studio: { root: dir() } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers / and deep links with the shell, revalidated, under the Studio policy', async () => {
    for (const path of ['/', '/workflows/billing-sync', '/runs/0193-abc?tab=steps']) {
      const response = await fetch(`${h.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(await response.text()).toBe(INDEX);
    }
  });

  it('caches hashed assets for a year and sends them gzipped when accepted', async () => {
    const plain = await fetch(`${h.url}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await plain.text()).toBe(SCRIPT);
    const zipped = await fetch(`${h.url}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(await zipped.text()).toBe(SCRIPT); // fetch inflates it
    const worker = await fetch(`${h.url}/sw.js`);
    expect(worker.headers.get('cache-control')).toBe('no-cache');
  });

  it('leaves the API, hooks and health alone, and a missing file is a 404', async () => {
    const api = await fetch(`${h.url}/api/v1/no-such-route`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { code: string }).code).toBe('ATOM_ERR_ROUTE_NOT_FOUND');
    expect((await fetch(`${h.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${h.url}/api/v1/auth/setup`)).headers.get('content-type')).toMatch(/json/);
    const asset = await fetch(`${h.url}/assets/index-old999.js`);
    expect(asset.status).toBe(404);
    expect(((await asset.json()) as { code: string }).code).toBe('ATOM_ERR_ROUTE_NOT_FOUND');
  });

  it('lists node types with their input schemas for the editor', async () => {
    const answer = await h.api('/api/v1/nodes', { token: h.tokens.viewer });
    expect(answer.status).toBe(200);
    const http = answer.json.items.find((node: { type: string }) => node.type === 'http.request');
    expect(http).toMatchObject({ type: 'http.request', inputSchema: { type: 'object' } });
    expect(http.inputSchema.properties.url).toBeDefined();
    const types = answer.json.items.map((node: { type: string }) => node.type);
    expect(types).toEqual([...types].sort());
    expect((await h.api('/api/v1/nodes', { token: null })).status).toBe(401);
  });
});
