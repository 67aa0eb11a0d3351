/**
 * The Studio in Debian's Chromium against a real `atom start` (fresh data folder, built Studio):
 * first-run setup; a 3-step workflow with a branch built in the visual editor (add, connect by
 * dragging, disconnect and delete with the keyboard) and seen in the YAML view; saved; run, with
 * the steps turning green live on the run page; replayed from a step; rolled back to an old
 * version; a comment typed in the YAML view kept across save, reload, history and rollback; and an
 * axe-core scan of every page. Each test goes on from the state the one before
 * left (one story, one server). Screenshots land in test-output/studio/.
 */
import type { WorkflowDocument } from '@atom/spec';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiGet,
  apiPost,
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
/** GET /api/v1/workflows/{name}: the newest version (docs/api.md). */
type StoredVersion = { version: number; document: WorkflowDocument };

if (!chromiumMissing('Studio in Chromium', (name, fn) => it(name, fn))) {
  describe('Studio in Chromium', { timeout: 120_000 }, () => {
    let server: StudioServer;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let firstRunUrl = '';
    const pageErrors: string[] = [];

    beforeAll(async () => {
      [server, browser] = await Promise.all([startStudioServer(), launchChromium()]);
      ({ context, page } = await newStudioPage(browser, server.url));
      page.on('pageerror', (error) => pageErrors.push(error.message));
    }, 120_000);
    afterAll(async () => {
      await context?.close();
      await browser?.close();
      await server?.close();
    });

    const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
    // innerText, not textContent: CodeMirror's lines are elements, and only innerText keeps the line breaks.
    const yamlText = () => page.locator('.cm-content').innerText();

    it('offers the first-run setup on a fresh install and logs the new owner in', async () => {
      await page.goto('/');
      await page.waitForURL('**/setup');
      await page.getByRole('heading', { name: 'Welcome to Atom' }).waitFor(WAIT);
      await screenshot(page, '01-setup');
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create owner account' }).click();
      await page.getByRole('heading', { name: 'Workflows' }).waitFor(WAIT);
      await page.getByText('No workflows yet.').waitFor(WAIT);
      expect(page.url()).toBe(`${server.url}/workflows`);
      await page.getByText(EMAIL).waitFor(WAIT);
      // Setup is closed now: the API says so, and the page leads to the app.
      const setup = await page.evaluate(() => fetch('/api/v1/auth/setup').then((r) => r.json()));
      expect(setup).toEqual({ needed: false });
      await screenshot(page, '02-workflows-empty');
    });

    it('builds a 3-step workflow with a branch in the visual editor and shows it in the YAML view', async () => {
      await page.getByRole('link', { name: 'New workflow' }).click();
      await page.getByLabel('Workflow name').fill('order-flow');
      // transform, then a delay after it, then a log at the end (after the delay, by order).
      await page.locator('#add-type').selectOption('transform');
      await page.getByRole('button', { name: 'Add step', exact: true }).click();
      await node('transform').waitFor(WAIT);
      await page.locator('#add-type').selectOption('delay');
      await page.getByRole('button', { name: 'Add step after transform' }).click();
      await page.getByRole('textbox', { name: 'for', exact: true }).fill('2s');
      await page.getByLabel('Selected step').selectOption('');
      await page.locator('#add-type').selectOption('log');
      await page.getByRole('button', { name: 'Add step', exact: true }).click();
      await page.getByRole('textbox', { name: 'message' }).fill('branch done');
      await page.getByLabel('Run only if').fill("{{ $steps.transform.status = 'succeeded' }}");
      await expect.poll(() => page.locator('.react-flow__edge').count(), WAIT).toBe(2);

      // Connect transform → log by dragging between their handles: the branch.
      const from = node('transform').locator('.react-flow__handle.source');
      const to = node('log').locator('.react-flow__handle.target');
      const a = await from.boundingBox();
      const b = await to.boundingBox();
      if (!a || !b) throw new Error('handles not on screen');
      await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
      await page.mouse.down();
      await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
      await page.mouse.up();
      await page.locator('.react-flow__edge[data-id="transform->log"]').waitFor({ state: 'attached', ...WAIT });
      // …and make log wait for transform alone, from the keyboard (its "Waits for" checkboxes).
      await page.getByLabel('Selected step').selectOption('log');
      const waitsForDelay = page.getByRole('checkbox', { name: 'delay' });
      await waitsForDelay.focus();
      await page.keyboard.press('Space');
      await expect.poll(() => waitsForDelay.isChecked(), WAIT).toBe(false);
      await expect.poll(() => page.locator('.react-flow__edge').count(), WAIT).toBe(2);
      await page.locator('.react-flow__edge[data-id="transform->delay"]').waitFor({ state: 'attached', ...WAIT });

      // A fourth step, deleted again with the Delete key on its node.
      await page.locator('#add-type').selectOption('fail');
      await page.getByRole('button', { name: 'Add step after log' }).click();
      await node('fail').waitFor({ state: 'attached', ...WAIT });
      // The new step is selected; focus its node (Tab would reach it too) and press Delete.
      await node('fail').focus();
      await page.keyboard.press('Delete');
      await node('fail').waitFor({ state: 'detached', ...WAIT });
      expect(await page.locator('.react-flow__node').count()).toBe(3);

      await page.locator('output.validity').filter({ hasText: 'Valid' }).waitFor(WAIT);
      await screenshot(page, '03-editor-graph');
      await page.getByRole('tab', { name: 'YAML' }).click();
      await page.locator('.cm-content').waitFor(WAIT);
      const yaml = await yamlText();
      expect(yaml).toContain('name: order-flow');
      expect(yaml).toMatch(/- id: transform\s+uses: transform/);
      expect(yaml).toMatch(/- id: delay\s+uses: delay\s+with:\s+for: "?2s"?/);
      expect(yaml).toMatch(/- id: log\s+uses: log/);
      expect(yaml).toContain('needs: [ transform ]');
      expect(yaml).not.toContain('id: fail');
      await screenshot(page, '04-editor-yaml');
    });

    it('shows validation errors inline as you type in the YAML view, and the graph follows the text', async () => {
      await page.locator('.cm-content').click();
      await page.keyboard.press('ControlOrMeta+End');
      // Inserted as typed text (no auto-indent in the way); validation runs on the change.
      await page.keyboard.insertText('  - id: broken\n    uses: no.such\n');
      await page
        .locator('output.validity')
        .filter({ hasText: /problem/ })
        .waitFor(WAIT);
      await page.locator('.cm-lintRange-error').first().waitFor(WAIT);
      await page.getByRole('list', { name: 'Problems' }).getByText('no.such').waitFor(WAIT);
      await node('broken').waitFor(WAIT);
      await screenshot(page, '05-editor-invalid');
      // Undo the typing: the graph loses the step again, the document is valid again.
      for (let i = 0; i < 3 && (await node('broken').count()) > 0; i++) {
        await page.keyboard.press('ControlOrMeta+z');
      }
      await node('broken').waitFor({ state: 'detached', ...WAIT });
      await page.locator('output.validity').filter({ hasText: 'Valid' }).waitFor(WAIT);
    });

    it('keeps the unsaved workflow as a draft across a reload, then saves it as version 1', async () => {
      await page.reload();
      await page.getByText('Restored your unsaved changes').waitFor(WAIT);
      await node('log').waitFor(WAIT);
      await page.getByRole('button', { name: 'Create workflow' }).click();
      await page.waitForURL('**/workflows/order-flow', WAIT);
      await page.locator('.editor-bar h1 .badge').filter({ hasText: 'v1' }).waitFor(WAIT);
      const stored = await apiGet<StoredVersion>(page, '/api/v1/workflows/order-flow');
      expect(stored.version).toBe(1);
      expect(stored.document.steps.map((s: { id: string }) => s.id)).toEqual(['transform', 'delay', 'log']);
      expect(stored.document.steps[2]?.needs).toEqual(['transform']);
      const { origins } = await context.storageState();
      expect(origins.flatMap((o) => o.localStorage.map((item) => item.name))).not.toContain('atom.draft.new');
      await screenshot(page, '06-saved');
    });

    it('runs it and colours the steps live as they finish', async () => {
      await page.getByRole('button', { name: 'Run v1' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Start run' }).click();
      await page.waitForURL('**/runs/**', WAIT);
      firstRunUrl = page.url();
      await page.getByText('● live').waitFor(WAIT);
      // The delay parks for 2 s: seen waiting, then green, without reloading the page.
      await node('delay').locator('.step-node[data-status="waiting"]').waitFor(WAIT);
      await screenshot(page, '07-run-live');
      for (const id of ['transform', 'delay', 'log']) {
        await node(id).locator('.step-node[data-status="succeeded"]').waitFor(WAIT);
      }
      await page.getByTestId('run-status').filter({ hasText: 'succeeded' }).waitFor(WAIT);
      await page.getByRole('table', { name: 'Timing waterfall' }).waitFor(WAIT);
      await screenshot(page, '08-run-succeeded');
    });

    it('replays the run from a step', async () => {
      await page.getByRole('button', { name: 'log', exact: true }).first().click();
      await page.getByRole('heading', { name: /^log/ }).waitFor(WAIT);
      await page.getByRole('button', { name: 'Replay from log' }).click();
      await until(() => page.url() !== firstRunUrl, 30_000);
      await page.getByTestId('run-status').filter({ hasText: 'succeeded' }).waitFor(WAIT);
      const runId = page.url().split('/').at(-1) as string;
      const events = await apiGet<{ items: { type: string }[] }>(page, `/api/v1/runs/${runId}/events`);
      const types = events.items.map((e: { type: string }) => e.type);
      expect(types).toContain('run.replayed');
      await screenshot(page, '09-replayed');
    });

    it('saves a second version and rolls back to the first', async () => {
      await page.goto('/workflows/order-flow');
      await page.getByLabel('Selected step').selectOption('log');
      await page.getByRole('textbox', { name: 'message' }).fill('changed in v2');
      await page.getByRole('button', { name: 'Save version' }).click();
      await page.getByText('Saved as version 2.').waitFor(WAIT);
      await page.getByRole('tab', { name: 'History' }).click();
      await page.getByRole('button', { name: 'Changes since v1' }).click();
      await page.getByText('changed in v2').first().waitFor(WAIT);
      await screenshot(page, '10-history-diff');
      await page.getByRole('button', { name: 'Roll back to v1' }).click();
      await page.getByText('Rolled back to v1: its document is now version 3.').waitFor(WAIT);
      await page.locator('.editor-bar h1 .badge').filter({ hasText: 'v3' }).waitFor(WAIT);
      const stored = await apiGet<StoredVersion>(page, '/api/v1/workflows/order-flow');
      expect(stored.version).toBe(3);
      expect(stored.document.steps[2]?.with?.message).toBe('branch done');
      await screenshot(page, '11-rolled-back');
    });

    it('keeps a comment typed in the YAML view across save, reload, a visual edit, history and rollback', async () => {
      const COMMENT = '# Ships the order. Ask ops before changing the branch.';
      await page.goto('/workflows/order-flow');
      await page.getByRole('tab', { name: 'YAML' }).click();
      await page.locator('.cm-content').click();
      await page.keyboard.press('ControlOrMeta+Home');
      await page.keyboard.insertText(`${COMMENT}\n`);
      await page.getByRole('button', { name: 'Save version' }).click();
      await page.getByText('Saved as version 4.').waitFor(WAIT);
      const stored = await apiGet<StoredVersion & { source: string }>(page, '/api/v1/workflows/order-flow');
      expect(stored.source.startsWith(`${COMMENT}\n`)).toBe(true);

      await page.reload();
      await page.locator('.editor-bar h1 .badge').filter({ hasText: 'v4' }).waitFor(WAIT);
      await page.getByRole('tab', { name: 'YAML' }).click();
      await page.locator('.cm-content').waitFor(WAIT);
      expect((await yamlText()).split('\n')[0]).toBe(COMMENT);
      await screenshot(page, '11a-comment-kept');

      // A visual edit is applied to the YAML document, and its save sends that text: the comment stays.
      await page.getByRole('tab', { name: /^Workflow$/ }).click();
      await page.getByLabel('Selected step').selectOption('log');
      await page.getByRole('textbox', { name: 'message' }).fill('changed with a comment above');
      await page.getByRole('button', { name: 'Save version' }).click();
      await page.getByText('Saved as version 5.').waitFor(WAIT);
      await page.reload();
      await page.locator('.editor-bar h1 .badge').filter({ hasText: 'v5' }).waitFor(WAIT);
      await page.getByRole('tab', { name: 'YAML' }).click();
      await page.locator('.cm-content').waitFor(WAIT);
      const v5 = await yamlText();
      expect(v5.split('\n')[0]).toBe(COMMENT);
      expect(v5).toContain('changed with a comment above');

      // History compares the two texts line by line: the comment is a change a document diff cannot show.
      await page.getByRole('tab', { name: 'History' }).click();
      await page.getByRole('button', { name: 'Changes since v3' }).click();
      const diff = page.getByRole('region', { name: 'Changed lines of the YAML' });
      await diff.locator('.line-added').filter({ hasText: COMMENT }).waitFor(WAIT);
      await diff.locator('.line-added').filter({ hasText: 'changed with a comment above' }).waitFor(WAIT);
      await diff.locator('.line-removed').filter({ hasText: 'branch done' }).waitFor(WAIT);
      await screenshot(page, '11b-history-text-diff');

      // Rolling back to v4 brings back its text, comment included.
      await page.getByRole('button', { name: 'Roll back to v4' }).click();
      await page.getByText('Rolled back to v4: its document is now version 6.').waitFor(WAIT);
      const rolled = await apiGet<StoredVersion & { source: string }>(page, '/api/v1/workflows/order-flow');
      const v4 = await apiGet<{ source: string }>(page, '/api/v1/workflows/order-flow/versions/4');
      expect(rolled.version).toBe(6);
      expect(rolled.source).toBe(v4.source);
      await page.reload();
      await page.getByRole('tab', { name: 'YAML' }).click();
      await page.locator('.cm-content').waitFor(WAIT);
      const v6 = await yamlText();
      expect(v6.split('\n')[0]).toBe(COMMENT);
      expect(v6).toContain('branch done');
    });

    it('approves a waiting approval step and cancels a waiting run from the run page', async () => {
      // The workflow and its runs through the API, with the page's session and CSRF token.
      await apiPost(page, '/api/v1/workflows', {
        atom: 1,
        name: 'approve-flow',
        steps: [
          { id: 'ask', uses: 'approval', with: { message: 'Ship it?' } },
          { id: 'ship', uses: 'log', with: { message: 'shipped' } },
        ],
      });
      const start = async () =>
        (await apiPost<{ id: string }>(page, '/api/v1/workflows/approve-flow/runs', { inputs: {} })).id;
      const runIds = [await start(), await start()];
      await page.goto(`/runs/${runIds[0]}`);
      await node('ask').locator('.step-node[data-status="waiting"]').waitFor(WAIT);
      await page.getByRole('button', { name: 'ask', exact: true }).first().click();
      await page.getByText('Ship it?', { exact: true }).waitFor(WAIT);
      await page.getByLabel('Comment').fill('looks good');
      await screenshot(page, '12-approval');
      await page.getByRole('button', { name: 'Approve' }).click();
      await node('ship').locator('.step-node[data-status="succeeded"]').waitFor(WAIT);
      await page.getByTestId('run-status').filter({ hasText: 'succeeded' }).waitFor(WAIT);

      await page.goto(`/runs/${runIds[1]}`);
      await node('ask').locator('.step-node[data-status="waiting"]').waitFor(WAIT);
      await page.getByRole('button', { name: 'Cancel run' }).click();
      await page.getByTestId('run-status').filter({ hasText: 'cancelled' }).waitFor(WAIT);
    });

    it('has no serious or critical axe-core violation on any page', async () => {
      const scan = async (name: string) => {
        const result = await new AxeBuilder({ page }).analyze();
        const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        return bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      };
      const found: string[] = [];
      await page.goto('/workflows');
      await page.getByRole('link', { name: 'order-flow' }).waitFor(WAIT);
      found.push(...(await scan('workflows')));
      await page.goto('/workflows/order-flow');
      await node('log').waitFor(WAIT);
      found.push(...(await scan('editor: workflow')));
      await page.getByLabel('Selected step').selectOption('delay');
      found.push(...(await scan('editor: step form')));
      await page.getByRole('tab', { name: 'YAML' }).click();
      await page.locator('.cm-content').waitFor(WAIT);
      found.push(...(await scan('editor: YAML')));
      await page.getByRole('tab', { name: 'History' }).click();
      await page.getByRole('button', { name: 'Roll back to v2' }).waitFor(WAIT);
      found.push(...(await scan('editor: history')));
      await page.goto(firstRunUrl);
      await page.getByTestId('run-status').filter({ hasText: 'succeeded' }).waitFor(WAIT);
      found.push(...(await scan('run')));
      await page.goto('/workflows/new');
      await page.getByLabel('Workflow name').waitFor(WAIT);
      found.push(...(await scan('new workflow')));
      // Dark theme too: contrast is checked in both.
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.goto(firstRunUrl);
      await page.getByTestId('run-status').filter({ hasText: 'succeeded' }).waitFor(WAIT);
      found.push(...(await scan('run (dark)')));
      await screenshot(page, '13-run-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      // Signed out: the login page.
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('heading', { name: 'Log in to Atom' }).waitFor(WAIT);
      found.push(...(await scan('login')));
      await screenshot(page, '14-login');
      expect(found).toEqual([]);
    });

    it('logs in again and comes back to the page asked for, with no page error on the way', async () => {
      await page.goto('/workflows/order-flow');
      await page.waitForURL('**/login?next=**', WAIT);
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL('**/workflows/order-flow', WAIT);
      await node('log').waitFor(WAIT);
      expect(pageErrors).toEqual([]);
    });

    it('serves the setup page for axe on a second fresh install', async () => {
      const fresh = await startStudioServer();
      try {
        const other = await newStudioPage(browser, fresh.url);
        await other.page.goto('/');
        await other.page.getByRole('heading', { name: 'Welcome to Atom' }).waitFor(WAIT);
        const result = await new AxeBuilder({ page: other.page }).analyze();
        const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(bad.map((v) => v.id)).toEqual([]);
        await other.context.close();
      } finally {
        await fresh.close();
      }
    });

    it('keeps a run page live across a server restart: it reconnects, resumes and sees the run finish', {
      timeout: 240_000,
    }, async () => {
      await apiPost(page, '/api/v1/workflows', {
        atom: 1,
        name: 'slow-flow',
        steps: [
          // The timer may fire before, during or after the restart: the page must see it either way.
          { id: 'pause', uses: 'delay', with: { for: '2s' } },
          // Only the restarted server can let the run go on from here.
          { id: 'gate', uses: 'wait', with: { event: 'slow-flow.go' } },
          { id: 'after', uses: 'log', with: { message: 'after the restart' } },
        ],
      });
      const runId = (await apiPost<{ id: string }>(page, '/api/v1/workflows/slow-flow/runs', { inputs: {} })).id;
      await page.goto(`/runs/${runId}`);
      await page.getByText('● live').waitFor(WAIT);
      // At once: the refetch the page makes after the events it just got lands while the server
      // stops (that used to replace the run page with an error for good).
      const restarted = server.restart();
      await page.getByText('○ reconnecting…').waitFor(WAIT);
      await restarted;
      // The page finds the new process by itself (back-off capped at 10 s) and resumes after the
      // last event it had: the timer's end and the wait at the gate, whichever process wrote them.
      await page.getByText('● live').waitFor(WAIT);
      await node('pause').locator('.step-node[data-status="succeeded"]').waitFor(WAIT);
      await node('gate').locator('.step-node[data-status="waiting"]').waitFor(WAIT);
      const raised = (await apiPost<{ woken: number }>(page, '/api/v1/events', { name: 'slow-flow.go' })).woken;
      expect(raised).toBe(1);
      // Live events of the new process: the gate opens and the last step runs.
      await node('after').locator('.step-node[data-status="succeeded"]').waitFor(WAIT);
      await page.getByTestId('run-status').filter({ hasText: 'succeeded' }).waitFor(WAIT);
      await page.getByText('● live').waitFor(WAIT);
      await screenshot(page, '15-after-restart');
      expect(pageErrors).toEqual([]);
    });
  });
}
