/**
 * GET /api/v1/runs over 100,000 runs on SQLite: every page by cursor, newest first, with no gap and
 * no duplicate, alone and with filters; the page boundaries often fall inside runs created in the
 * same millisecond. (How fast it is belongs to a benchmark; this proves it is right at that size.)
 */
import { type SeedWorkflow, seedRunStatus, seedRuns, seedRunWorkflow } from '@atom/store/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, startServer } from '../support/server-harness.js';

const COUNT = 100_000;
const NEWEST = Date.UTC(2026, 0, 10, 12, 0, 0);

describe('runs list at 100,000 runs', () => {
  let h: ServerHarness;
  const workflows: SeedWorkflow[] = [];

  beforeAll(async () => {
    h = await startServer({ worker: false });
    for (const name of ['orders', 'billing', 'triage']) {
      const doc = `atom: 1\nname: ${name}\nsteps:\n  - id: a\n    uses: transform\n    with: { x: 1 }\n`;
      const created = await h.api('/api/v1/workflows', {
        rawBody: doc,
        headers: { 'content-type': 'application/yaml' },
      });
      workflows.push({ workflowId: created.json.id, name, version: 1 });
    }
    await seedRuns(h.store, { count: COUNT, workflows, newest: NEWEST });
  }, 120_000);
  afterAll(async () => h?.close());

  /** Follows nextCursor from the first page to the last; returns every id in order. */
  async function everyPage(query: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await h.api(`/api/v1/runs?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      ids.push(...page.json.items.map((run: { id: string }) => run.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    return ids;
  }

  /** Seeded ids newest first: by createdAt desc then id desc, which for seed ids is n desc. */
  const expected = (keep: (n: number) => boolean) => {
    const ids: string[] = [];
    for (let n = COUNT - 1; n >= 0; n--) if (keep(n)) ids.push(`seed-${String(n).padStart(6, '0')}`);
    return ids;
  };

  it('pages through all of them, newest first, each exactly once', async () => {
    const ids = await everyPage('', 500);
    expect(ids.length).toBe(COUNT);
    expect(new Set(ids).size).toBe(COUNT);
    expect(ids).toEqual(expected(() => true));
  }, 120_000);

  it('pages through one status and one workflow, and a status list in a time window', async () => {
    expect(await everyPage('&status=failed', 500)).toEqual(expected((n) => seedRunStatus(n, COUNT) === 'failed'));
    expect(await everyPage('&workflow=billing&status=succeeded', 500)).toEqual(
      expected((n) => seedRunWorkflow(n, workflows).name === 'billing' && seedRunStatus(n, COUNT) === 'succeeded'),
    );
    // Runs created in one hour, 5 hours back (of about 9): a window whose edges cut through ties.
    const to = NEWEST - 5 * 3_600_000 + 500;
    const from = to - 3_600_000;
    const createdAt = (n: number) => NEWEST - Math.floor((COUNT - 1 - n) / 3) * 1000;
    const window = `&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    const rare = await everyPage(`${window}&status=cancelled,waiting`, 7);
    expect(rare).toEqual(
      expected(
        (n) => createdAt(n) >= from && createdAt(n) < to && ['cancelled', 'waiting'].includes(seedRunStatus(n, COUNT)),
      ),
    );
    expect(rare.length).toBeGreaterThan(1000);
    const waiting = await h.api('/api/v1/runs?status=waiting');
    expect(waiting.json.items.map((run: { id: string }) => run.id)).toEqual([`seed-0${COUNT - 2}`]);
  }, 120_000);
});
