/**
 * The Studio's workspace switcher in Debian's Chromium against a real `atom start`: the owner of
 * `default` creates a second workspace, each holds a workflow of its own, and the switcher in the
 * top bar shows one workspace's workflows at a time, keeps the choice across a reload, and sends
 * it with the live stream (a run started in the second workspace is seen live there).
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumMissing,
  launchChromium,
  newStudioPage,
  OWNER,
  type StudioServer,
  screenshot,
  startStudioServer,
  WAIT,
} from '../support/studio-browser.js';

const flow = (name: string) => `atom: 1\nname: ${name}\nsteps:\n  - id: a\n    uses: transform\n    with: { x: 1 }\n`;

const WHAT = 'Studio workspace switcher in Chromium';
if (!chromiumMissing(WHAT, (name, fn) => it(name, fn)))
  describe(WHAT, { timeout: 120_000 }, () => {
    let server: StudioServer;
    let browser: Browser;
    let page: Page;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      [server, browser] = await Promise.all([startStudioServer(), launchChromium()]);
      ({ page } = await newStudioPage(browser, server.url));
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const setup = await page.request.post('/api/v1/auth/setup', { data: OWNER });
      const csrf = (await setup.json()).csrfToken as string;
      const created = await page.request.post('/api/v1/workspaces', {
        headers: { 'x-csrf-token': csrf },
        data: { slug: 'beta', name: 'Beta team' },
      });
      expect(created.status()).toBe(201);
      const flows: [string, string][] = [
        ['default', 'only-in-default'],
        ['beta', 'only-in-beta'],
      ];
      for (const [workspace, name] of flows) {
        const headers = { 'x-csrf-token': csrf, 'content-type': 'application/yaml', 'atom-workspace': workspace };
        expect((await page.request.post('/api/v1/workflows', { headers, data: flow(name) })).status()).toBe(201);
      }
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('shows one workspace at a time, switches from the top bar, and remembers the choice', async () => {
      await page.goto('/workflows');
      const switcher = page.getByRole('combobox', { name: 'Workspace' });
      await page.getByRole('link', { name: 'only-in-default' }).waitFor(WAIT);
      expect(await switcher.inputValue()).toBe('default');
      expect(await page.getByRole('link', { name: 'only-in-beta' }).count()).toBe(0);

      await switcher.selectOption({ label: 'Beta team' });
      await page.getByRole('link', { name: 'only-in-beta' }).waitFor(WAIT);
      expect(await page.getByRole('link', { name: 'only-in-default' }).count()).toBe(0);
      await screenshot(page, 'workspace-switcher');

      await page.reload();
      await page.getByRole('link', { name: 'only-in-beta' }).waitFor(WAIT);
      expect(await page.getByRole('combobox', { name: 'Workspace' }).inputValue()).toBe('beta');
    });

    it('creates a workspace from Settings and switches to it; renames the current one', async () => {
      await page.goto('/settings?tab=workspace');
      await page.getByRole('heading', { name: 'Workspace', exact: true }).waitFor(WAIT);
      await page.getByLabel('Slug').fill('gamma');
      await page.getByLabel('Display name').fill('Gamma');
      await page.getByRole('button', { name: 'Create workspace' }).click();
      const switcher = page.getByRole('combobox', { name: 'Workspace' });
      await page.getByText(/You are in Gamma/).waitFor(WAIT);
      expect(await switcher.inputValue()).toBe('gamma');
      await page.getByLabel('Workspace name').fill('Gamma squad');
      await page.getByRole('button', { name: 'Rename' }).click();
      await page.getByRole('option', { name: 'Gamma squad' }).waitFor({ ...WAIT, state: 'attached' });
      const scan = await new AxeBuilder({ page }).analyze();
      const serious = scan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => v.id)).toEqual([]);
      await page.goto('/workflows');
      await page.getByRole('heading', { name: 'Workflows' }).waitFor(WAIT);
      expect(await page.getByRole('link', { name: /^only-in-/ }).count()).toBe(0);
      await page.getByRole('combobox', { name: 'Workspace' }).selectOption('beta');
      await page.getByRole('link', { name: 'only-in-beta' }).waitFor(WAIT);
    });

    it("follows a run of the chosen workspace live, through the stream's workspace", async () => {
      await page.goto('/workflows/only-in-beta');
      await page.getByRole('button', { name: 'Run v1' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Start run' }).click();
      await page.getByText('succeeded').first().waitFor(WAIT);
      const runId = page.url().split('/').at(-1) as string;
      // What the page's stream asks: the run is found through ?workspace=beta, not without it.
      const answer = (query: string) =>
        page.evaluate(
          ([q, run]) =>
            new Promise<string>((resolve) => {
              // In the page: its own origin, with the session cookie.
              const { host } = (globalThis as unknown as { location: { host: string } }).location;
              const ws = new WebSocket(`ws://${host}/api/v1/stream${q}`);
              ws.onopen = () => ws.send(JSON.stringify({ type: 'subscribe', id: 's', run, after: 0 }));
              ws.onmessage = (m) => {
                const data = JSON.parse(String(m.data)) as { type: string; code?: string };
                if (data.type === 'subscribed' || data.type === 'error') {
                  resolve(data.code ?? data.type);
                  ws.close();
                }
              };
            }),
          [query, runId] as const,
        );
      expect(await answer('?workspace=beta')).toBe('subscribed');
      expect(await answer('')).toBe('ATOM_ERR_RUN_NOT_FOUND');
      expect(pageErrors).toEqual([]);
    });
  });
