/**
 * The real product for browser tests: `atom start` as a child process on a free 127.0.0.1 port
 * with a fresh data folder (so the first-run setup is open), serving the built Studio, and
 * Debian's Chromium driven by playwright-core. Screenshots go to test-output/studio/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { startAtomProcess } from './atom-process.js';
import { assertBuilt } from './cli-process.js';

export const CHROMIUM = process.env.ATOM_TEST_CHROMIUM ?? '/usr/bin/chromium';
/** The owner each browser test sets up, and how long a locator may wait on a loaded machine. */
export const OWNER = { email: 'owner@example.test', password: 'correct horse battery' };
export const WAIT = { timeout: 30_000 };
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'studio');
const STUDIO_INDEX = join(import.meta.dirname, '..', '..', 'apps', 'studio', 'dist', 'index.html');

export interface StudioServer {
  url: string;
  dir: string;
  output(): string;
  /** Stops the process (SIGTERM, graceful) and starts it again on the same port and data folder. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startStudioServer(): Promise<StudioServer> {
  assertBuilt();
  if (!existsSync(STUDIO_INDEX)) throw new Error(`${STUDIO_INDEX} is missing: run \`npm run build\` (npm test does)`);
  const dir = mkdtempSync(join(tmpdir(), 'atom-studio-'));
  const atom = await startAtomProcess({ data: dir, env: { ATOM_LOG_LEVEL: 'warn' } });
  return {
    url: atom.url,
    dir,
    output: atom.output,
    restart: atom.restart,
    async close() {
      await atom.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Chromium with the flags this machine needs (no sandbox as root, no network of its own). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function newStudioPage(browser: Browser, url: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return { context, page };
}

/**
 * GET an API path from inside the page (with its session cookie): the JSON answer, as the shape the
 * caller names from docs/api.md (a test's expectations check it; nothing else does).
 * @example
 * const stats = await apiGet<DashboardStats>(page, '/api/v1/stats?minutes=60');
 */
export async function apiGet<T>(page: Page, path: string): Promise<T> {
  return (await page.evaluate((url) => fetch(url).then((r) => r.json()), path)) as T;
}

/**
 * POST JSON to an API path from inside the page, with its session cookie and CSRF token: the JSON
 * answer, as the shape the caller names from docs/api.md.
 * @example
 * const run = await apiPost<{ id: string }>(page, '/api/v1/workflows/order-flow/runs', { inputs: {} });
 */
export async function apiPost<T>(page: Page, path: string, body: unknown): Promise<T> {
  const answer = await page.evaluate(
    async ([url, json]) => {
      const session = (await fetch('/api/v1/auth/session').then((r) => r.json())) as { csrfToken: string };
      const headers = { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken };
      return fetch(url, { method: 'POST', headers, body: json }).then((r) => r.json());
    },
    [path, JSON.stringify(body)] as const,
  );
  return answer as T;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/**
 * Why the browser tests cannot run (Chromium is not installed), or undefined when they can. Like
 * the PostgreSQL suites: one loud `SKIPPED:` line, or a failing test with ATOM_REQUIRE_SERVICES=1.
 */
export function chromiumMissing(what: string, register: (name: string, fn: () => void) => void): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `${CHROMIUM} is missing (apt-get install -y chromium)`;
  if (process.env.ATOM_REQUIRE_SERVICES === '1') {
    register(what, () => {
      throw new Error(`Chromium is required (ATOM_REQUIRE_SERVICES=1): ${reason}`);
    });
  } else {
    process.stdout.write(`SKIPPED: ${what} (${reason})\n`);
  }
  return reason;
}
