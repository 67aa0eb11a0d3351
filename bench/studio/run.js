// bench/studio: the workflow editor with a 300-step workflow (npm run bench:studio), measured in
// Debian's Chromium (playwright-core) against a real `atom start` serving the built Studio.
//
// - first render: from the start of navigation to /workflows/<name> until the graph is on screen
//   (the editor marks `atom:editor-graph-ready` in the frame after React Flow's first render), read
//   from the page's own Performance timeline; cold (first visit) and warm (reloads, files cached).
// - drag: a real mouse drag of one node by 240 px in 40 moves. For each pointermove the page
//   records the time from the event's timestamp to the next animation frame (input → frame), and
//   the whole drag from pointerdown to the frame after pointerup.
// BENCH_STEPS (default 300) and BENCH_ROUNDS (default 5) change the size and the repeats.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const STEPS = Number(process.env.BENCH_STEPS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WIDTH = 10; // steps per layer: STEPS / WIDTH layers, each step needs one of the layer before
const CHROMIUM = process.env.ATOM_TEST_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..');

/**
 * What the page records of one drag: pointer-move-to-frame delays, and pointer down and the frame
 * after pointer up (ms).
 * @typedef {{ moves: number[]; down: number; upFrame: number }} DragRecord
 * @typedef {typeof window & { __dragBench: DragRecord }} DragWindow
 */

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function workflowYaml(count) {
  const lines = ['atom: 1', `name: bench-${count}`, 'description: editor benchmark', 'steps:'];
  for (let i = 0; i < count; i++) {
    const layer = Math.floor(i / WIDTH);
    lines.push(`  - id: s${i}`, '    uses: log', '    with:', `      message: "step ${i}"`);
    if (layer > 0) lines.push(`    needs: [ s${(layer - 1) * WIDTH + (i % WIDTH)} ]`);
    else lines.push('    needs: []');
  }
  return `${lines.join('\n')}\n`;
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'atom-bench-studio-'));
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const child = spawn(
  process.execPath,
  [join(ROOT, 'apps/atom/dist/main.js'), 'start', '--data', dir, '--port', String(port)],
  {
    env: { ...process.env, ATOM_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
let browser;
try {
  for (let i = 0; ; i++) {
    if (
      await fetch(`${url}/health/live`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 600) throw new Error('atom start did not come up');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
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
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  await page.goto('/');
  await page.getByRole('heading', { name: 'Welcome to Atom' }).waitFor();
  // The owner and the workflow, through the API from the page (session cookie and CSRF token).
  const created = await page.evaluate(async (yaml) => {
    const setup = await fetch('/api/v1/auth/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.test', password: 'bench password' }),
    }).then((r) => r.json());
    const answer = await fetch('/api/v1/workflows', {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', 'x-csrf-token': setup.csrfToken },
      body: yaml,
    });
    return { status: answer.status, body: await answer.json() };
  }, workflowYaml(STEPS));
  if (created.status !== 201) throw new Error(`creating the workflow: ${JSON.stringify(created)}`);
  const name = created.body.name;

  const firstRender = async () => {
    await page.waitForFunction(() => performance.getEntriesByName('atom:editor-graph-ready').length > 0, null, {
      timeout: 120_000,
    });
    return page.evaluate(() => ({
      ms: performance.getEntriesByName('atom:editor-graph-ready')[0]?.startTime ?? Number.NaN,
      loaded: performance.getEntriesByName('atom:editor-loaded')[0]?.startTime ?? Number.NaN,
      nodes: document.querySelectorAll('.react-flow__node').length,
    }));
  };
  await page.goto(`/workflows/${name}`);
  const cold = await firstRender();
  const warm = [];
  const warmLoaded = [];
  for (let i = 0; i < ROUNDS; i++) {
    await page.reload();
    const render = await firstRender();
    warm.push(render.ms);
    warmLoaded.push(render.loaded);
  }

  // Drags: zoom in on the first layer so a node is a real target, then drag it.
  const drags = [];
  const moves = [];
  for (let round = 0; round < ROUNDS; round++) {
    // A node wholly inside the graph's viewport (the view opens on the middle of a big graph).
    const pane = await page.locator('.react-flow').boundingBox();
    if (!pane) throw new Error('the graph is not on screen');
    const id = await page.evaluate(
      ({ pane, skip }) => {
        const inside = [...document.querySelectorAll('.react-flow__node')].filter((el) => {
          const r = el.getBoundingClientRect();
          return (
            r.left > pane.x + 20 &&
            r.right < pane.x + pane.width - 300 &&
            r.top > pane.y + 20 &&
            r.bottom < pane.y + pane.height - 100
          );
        });
        return inside[skip % inside.length]?.getAttribute('data-id');
      },
      { pane, skip: round * 3 },
    );
    if (!id) throw new Error('no node inside the view');
    const node = page.locator(`.react-flow__node[data-id="${id}"]`);
    const box = await node.boundingBox();
    if (!box) throw new Error('node not on screen');
    await page.evaluate(() => {
      /** @type {DragRecord} */
      const record = { moves: [], down: 0, upFrame: 0 };
      /** @type {DragWindow} */ (window).__dragBench = record;
      window.addEventListener(
        'pointerdown',
        (e) => {
          record.down = e.timeStamp;
        },
        { capture: true, once: true },
      );
      window.addEventListener(
        'pointermove',
        (e) => {
          const at = e.timeStamp;
          requestAnimationFrame(() => record.moves.push(performance.now() - at));
        },
        { capture: true },
      );
      window.addEventListener(
        'pointerup',
        () => {
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              record.upFrame = performance.now();
            }),
          );
        },
        { capture: true, once: true },
      );
    });
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 240, y + 60, { steps: 40 });
    await page.mouse.up();
    await page.waitForFunction(() => /** @type {DragWindow} */ (window).__dragBench.upFrame > 0);
    const record = await page.evaluate(() => /** @type {DragWindow} */ (window).__dragBench);
    drags.push(record.upFrame - record.down);
    moves.push(...record.moves);
    const moved = await node.boundingBox();
    if (!moved || Math.abs(moved.x - box.x) < 50) throw new Error('the node did not move');
  }

  console.log(
    `\nStudio editor, ${STEPS}-step workflow (${STEPS / WIDTH} layers of ${WIDTH}), Chromium headless, ${ROUNDS} rounds`,
  );
  console.log(`  nodes rendered on first paint: ${cold.nodes} (React Flow renders only visible nodes above 150 steps)`);
  console.log(
    `  first render, cold (first visit):      ${fmt(cold.ms)} (of which scripts, session and data: ${fmt(cold.loaded)})`,
  );
  console.log(
    `  first render, warm (reload): p50 ${fmt(quantile(warm, 0.5))}, max ${fmt(Math.max(...warm))} (scripts, session and data: p50 ${fmt(quantile(warmLoaded, 0.5))})`,
  );
  console.log(
    `  drag one node (pointerdown → frame after pointerup, 40 moves): p50 ${fmt(quantile(drags, 0.5))}, max ${fmt(Math.max(...drags))}`,
  );
  console.log(
    `  per move, input → next frame: p50 ${fmt(quantile(moves, 0.5))}, p95 ${fmt(quantile(moves, 0.95))}, max ${fmt(Math.max(...moves))} (${moves.length} moves)`,
  );
  console.log(`  frame budget at 60 Hz: 16.7 ms; p95 per move / budget = ${(quantile(moves, 0.95) / 16.7).toFixed(2)}`);
  console.log(
    `  machine load average while measuring: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')} (${cpus().length} cores)\n`,
  );
} finally {
  await browser?.close();
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('close', resolve));
  rmSync(dir, { recursive: true, force: true });
}
