/**
 * The Studio's runs list, dashboard and settings in Debian's Chromium against a real `atom start`
 * whose database holds 100,000 runs (seeded straight into its SQLite file, beside two real runs):
 * the list scrolls deep through cursor pages with only a screenful of rows in the DOM, and filters
 * on the server; the dashboard draws GET /api/v1/stats; settings manage members, invitations,
 * tokens (shown once), secrets (never shown), variables, the tier, and read and export the audit
 * log; every page passes an axe-core scan with no serious or critical violation, and is driven
 * from the keyboard where it matters (scrolling, tabs). Screenshots land in test-output/studio/.
 */
import { join } from 'node:path';
import type { DashboardStats } from '@atom/server';
import { createSqliteStore } from '@atom/store';
import { seedRunStatus, seedRuns } from '@atom/store/seed';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiGet,
  chromiumMissing,
  launchChromium,
  newStudioPage,
  OWNER,
  type StudioServer,
  screenshot,
  startStudioServer,
  WAIT,
} from '../support/studio-browser.js';
import { until } from '../support/until.js';

const { email: EMAIL, password: PASSWORD } = OWNER;
const COUNT = 100_000;
const WORKFLOWS = [
  { workflowId: 'wf-seed-orders', name: 'orders', version: 1 },
  { workflowId: 'wf-seed-billing', name: 'billing', version: 1 },
];
const seedId = (n: number) => `seed-${String(n).padStart(6, '0')}`;

const WHAT = 'Studio runs, dashboard and settings in Chromium';
if (!chromiumMissing(WHAT, (name, fn) => it(name, fn)))
  describe(WHAT, { timeout: 180_000 }, () => {
    let server: StudioServer;
    let browser: Browser;
    let page: Page;
    let csrf = '';
    const pageErrors: string[] = [];

    beforeAll(async () => {
      [server, browser] = await Promise.all([startStudioServer(), launchChromium()]);
      ({ page } = await newStudioPage(browser, server.url));
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const setup = await page.request.post('/api/v1/auth/setup', { data: { email: EMAIL, password: PASSWORD } });
      expect(setup.ok()).toBe(true);
      csrf = (await setup.json()).csrfToken;
      // 100,000 runs, the newest a minute ago, into the server's own database file (WAL: a second
      // connection may write beside the server's).
      const store = createSqliteStore({ file: join(server.dir, 'atom.db') });
      await store.migrate();
      await seedRuns(store, { count: COUNT, workflows: WORKFLOWS, newest: Date.now() - 60_000 });
      await store.close();
      // Two real runs, so the dashboard has steps with durations and node types.
      const headers = { 'x-csrf-token': csrf, 'content-type': 'application/yaml' };
      const doc =
        'atom: 1\nname: live-one\nsteps:\n  - id: a\n    uses: transform\n    with: { x: 1 }\n  - id: b\n    uses: log\n    with: { message: hi }\n';
      expect((await page.request.post('/api/v1/workflows', { headers, data: doc })).ok()).toBe(true);
      for (let i = 0; i < 2; i++) {
        const run = await page.request.post('/api/v1/workflows/live-one/runs?wait=20', {
          headers: { 'x-csrf-token': csrf },
          data: {},
        });
        expect((await run.json()).status).toBe('succeeded');
      }
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    const loaded = async () => Number(await page.getByTestId('runs-count').getAttribute('data-loaded'));
    const rowIds = () => page.locator('.runs-table tbody tr td:nth-child(3) a').allInnerTexts();

    it('scrolls deep into 100,000 runs by cursor pages, with only a screenful of rows in the DOM', async () => {
      await page.goto('/runs');
      await page.getByRole('heading', { name: 'Runs' }).waitFor(WAIT);
      await page.getByRole('link', { name: seedId(COUNT - 1) }).waitFor(WAIT);
      const first = await rowIds();
      // The two real runs are the newest; then the seeded ones, newest first.
      expect(first.slice(2, 5)).toEqual([seedId(COUNT - 1), seedId(COUNT - 2), seedId(COUNT - 3)]);
      // Keyboard: the list takes focus and End scrolls to what is loaded, which loads the next page.
      const list = page.getByRole('region', { name: 'Runs, newest first' });
      await list.focus();
      for (let pages = 0; pages < 20; pages++) {
        const before = await loaded();
        await page.keyboard.press('End');
        await until(async () => (await loaded()) > before, 20_000);
      }
      expect(await loaded()).toBeGreaterThanOrEqual(4000);
      // Only the rows on screen (and a margin) exist, however many are loaded.
      expect(await page.locator('.runs-table tbody tr').count()).toBeLessThan(80);
      // Deep in the list every row is where a list without gaps or duplicates puts it.
      await list.evaluate((el) => {
        el.scrollTop = 36 * 3000;
      });
      await until(async () => (await rowIds()).some((id) => id === seedId(COUNT - 1 - 3000 + 2)));
      const deep = await rowIds();
      const at = deep.indexOf(seedId(COUNT - 1 - 3000 + 2));
      for (let k = 0; k < 10; k++) expect(deep[at + k]).toBe(seedId(COUNT - 1 - 3000 + 2 - k));
      await screenshot(page, '20-runs-deep');
    });

    it('filters on the server by status, workflow and creation time', async () => {
      await page.getByLabel('Status').selectOption('failed');
      await page.getByRole('button', { name: 'Apply' }).click();
      await until(async () => {
        const statuses = await page.locator('.runs-table tbody .status').allInnerTexts();
        return statuses.length > 10 && statuses.every((s) => s === 'failed');
      });
      const failed = await rowIds();
      const expected: string[] = [];
      for (let n = COUNT - 1; expected.length < 10; n--)
        if (seedRunStatus(n, COUNT) === 'failed') expected.push(seedId(n));
      expect(failed.slice(0, 10)).toEqual(expected);
      await page.getByLabel('Workflow').fill('billing');
      await page.getByRole('button', { name: 'Apply' }).click();
      await until(async () => {
        const names = await page.locator('.runs-table tbody td:nth-child(2)').allInnerTexts();
        return names.length > 0 && names.every((n) => n.startsWith('billing'));
      });
      expect((await page.locator('.runs-table tbody .status').allInnerTexts()).every((s) => s === 'failed')).toBe(true);
      await screenshot(page, '21-runs-filtered');
      // The filters are in the URL: a reload (or the link, shared) shows the same list and form.
      expect(new URL(page.url()).search).toBe('?status=failed&workflow=billing');
      const filtered = await rowIds();
      await page.reload();
      await page.getByRole('link', { name: filtered[0] }).waitFor(WAIT);
      expect(await page.getByLabel('Status').inputValue()).toBe('failed');
      expect(await page.getByLabel('Workflow').inputValue()).toBe('billing');
      expect((await rowIds()).slice(0, 10)).toEqual(filtered.slice(0, 10));
      // A window in the future has nothing.
      const local = await page.evaluate(() => {
        const d = new Date(Date.now() + 86_400_000);
        const pad = (n: number) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
      });
      await page.getByLabel('Created from').fill(local);
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByText('No run matches these filters.').waitFor(WAIT);
      // The window went into the URL as an instant; Back returns to the list before it.
      const from = new URL(page.url()).searchParams.get('from') ?? '';
      expect(Date.parse(from)).toBe(await page.evaluate((text) => new Date(text).getTime(), local));
      await page.goBack();
      await page.getByRole('link', { name: filtered[0] }).waitFor(WAIT);
      expect(await page.getByLabel('Created from').inputValue()).toBe('');
      await page.getByRole('button', { name: 'Clear' }).click();
      await page.getByRole('link', { name: seedId(COUNT - 1) }).waitFor(WAIT);
      expect(new URL(page.url()).search).toBe('');
      expect(await page.getByLabel('Status').inputValue()).toBe('');
    });

    it('draws the dashboard from GET /api/v1/stats', async () => {
      await page.getByRole('link', { name: 'Dashboard' }).click();
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor(WAIT);
      await page.getByRole('img', { name: /Runs per minute/ }).waitFor(WAIT);
      const stats = await apiGet<DashboardStats>(page, '/api/v1/stats?minutes=60');
      // About 10,800 seeded runs were created in the last hour, plus the two real ones.
      expect(stats.runs.started).toBeGreaterThan(10_000);
      const tile = page.locator('.tile', { hasText: 'Runs started' }).locator('.value');
      await until(async () => Number((await tile.innerText()).replace(/\D/g, '')) === stats.runs.started);
      const rate = page.locator('.tile', { hasText: 'Success rate' }).locator('.value');
      expect(await rate.innerText()).toBe(`${((stats.runs.successRate as number) * 100).toFixed(1)}%`);
      const perMinute = page.locator('.chart', { hasText: 'Runs per minute' }).locator('path.series-started');
      expect(await perMinute.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){59}$/);
      await page.getByRole('img', { name: /Slowest node types/ }).waitFor(WAIT);
      expect(await page.locator('.chart', { hasText: 'Slowest node types' }).innerText()).toContain('transform');
      await page.getByLabel('Window').selectOption('15');
      await until(async () => (await perMinute.getAttribute('d'))?.split('L').length === 15);
      expect(await page.locator('.tile', { hasText: 'Workers alive' }).locator('.value').innerText()).toMatch(
        /^[1-9]\d* \/ \d+$/,
      );
      await screenshot(page, '22-dashboard');
    });

    it('manages members, invitations, tokens shown once, secrets never shown, variables, the tier and the audit log', async () => {
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('tab', { name: 'Members' }).waitFor(WAIT);
      await page
        .getByRole('cell', { name: new RegExp(EMAIL) })
        .first()
        .waitFor(WAIT);
      await page.getByLabel('Email', { exact: true }).fill('new@example.test');
      await page.getByRole('button', { name: 'Invite' }).click();
      expect(await page.getByTestId('invitation-link').innerText()).toMatch(/\/invite#.+/);
      await page.getByRole('cell', { name: 'new@example.test' }).first().waitFor(WAIT);
      await screenshot(page, '23-settings-members');
      await page.getByRole('button', { name: 'Revoke the invitation of new@example.test' }).click();
      await page.getByRole('cell', { name: 'revoked' }).first().waitFor(WAIT);

      // Tabs move with the arrow keys.
      await page.getByRole('tab', { name: 'Members' }).focus();
      await page.keyboard.press('ArrowRight');
      await page.getByRole('heading', { name: 'API tokens' }).waitFor(WAIT);
      await page.getByLabel('Name').fill('ci');
      await page.getByRole('button', { name: 'Create token' }).click();
      const token = await page.getByTestId('new-token').innerText();
      expect(token.length).toBeGreaterThan(20);
      const check = await page.request.get('/api/v1/workflows', { headers: { authorization: `Bearer ${token}` } });
      expect(check.status()).toBe(200);
      await page.reload();
      await page.getByRole('cell', { name: 'ci', exact: true }).first().waitFor(WAIT);
      expect(await page.content()).not.toContain(token);
      await page.getByRole('button', { name: 'Revoke token ci' }).click();
      await page.getByText(/^revoked/).waitFor(WAIT);

      await page.getByRole('tab', { name: 'Secrets and variables' }).click();
      const secretForm = page.getByRole('form', { name: 'Set a secret' });
      await secretForm.getByLabel('Name').fill('STRIPE_KEY');
      await secretForm.getByLabel('Value').fill('sk_live_never_shown');
      await secretForm.getByRole('button', { name: 'Set secret' }).click();
      await page.getByRole('cell', { name: 'STRIPE_KEY' }).first().waitFor(WAIT);
      expect(await page.content()).not.toContain('sk_live_never_shown');
      const varForm = page.getByRole('form', { name: 'Set a variable' });
      await varForm.getByLabel('Name').fill('REGION');
      await varForm.getByLabel('Value').fill('eu-west');
      await varForm.getByRole('button', { name: 'Set variable' }).click();
      await page.getByRole('cell', { name: 'eu-west' }).first().waitFor(WAIT);
      await screenshot(page, '23-settings-secrets');

      await page.getByRole('tab', { name: 'Tier and usage' }).click();
      await page.getByLabel('Tier', { exact: true }).selectOption('pro');
      await page
        .getByRole('cell', { name: /active of 20/ })
        .first()
        .waitFor(WAIT);
      await page.getByLabel('Tier', { exact: true }).selectOption('enterprise');
      await page
        .getByRole('cell', { name: /active of unlimited/ })
        .first()
        .waitFor(WAIT);

      await page.getByRole('tab', { name: 'Audit log' }).click();
      await page.getByRole('cell', { name: 'secret.set' }).first().waitFor(WAIT);
      const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
      expect(href).toContain('format=csv');
      const csv = await (await page.request.get(href as string)).text();
      expect(csv).toContain('secret.set');
      expect(csv).not.toContain('sk_live_never_shown');
      await page.getByLabel('Action').fill('apiToken.*');
      await page.getByRole('button', { name: 'Filter' }).click();
      await until(async () => {
        const actions = await page.locator('td.mono:nth-child(4)').allInnerTexts();
        return actions.length >= 2 && actions.every((a) => a.startsWith('apiToken.'));
      });
      await screenshot(page, '24-settings-audit');
    });

    it('has no serious or critical axe-core violation on the runs list, dashboard or any settings tab', async () => {
      const found: string[] = [];
      const scan = async (name: string) => {
        const result = await new AxeBuilder({ page }).analyze();
        for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
          found.push(`${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        }
      };
      await page.goto('/runs');
      await page.getByRole('link', { name: seedId(COUNT - 1) }).waitFor(WAIT);
      await scan('runs');
      await page.goto('/dashboard');
      await page.getByRole('img', { name: /Runs per minute/ }).waitFor(WAIT);
      await scan('dashboard');
      for (const tab of ['members', 'tokens', 'secrets', 'tier', 'audit']) {
        await page.goto(`/settings?tab=${tab}`);
        await page.getByRole('tabpanel').waitFor(WAIT);
        await page.waitForLoadState('networkidle');
        await scan(`settings ${tab}`);
      }
      for (const theme of ['dark']) {
        await page.emulateMedia({ colorScheme: theme as 'dark' });
        await page.goto('/dashboard');
        await page.getByRole('img', { name: /Runs per minute/ }).waitFor(WAIT);
        await scan(`dashboard ${theme}`);
      }
      expect(found).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  });
