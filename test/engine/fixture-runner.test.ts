/**
 * Runs every YAML fixture of ./fixtures on a real engine (SQLite file, built-in nodes, virtual
 * clock) and checks its `expect` block. Each fixture pins one rule of DESIGN §3/§4, named in its
 * `rule`; fixture-format.ts describes what a fixture may say.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VirtualClock } from '@atom/engine';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { callCounts } from '../support/test-nodes.js';
import { checkRun } from './fixture-checks.js';
import type { Decision, Fixture } from './fixture-format.js';

const dir = join(import.meta.dirname, 'fixtures');
const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'));
const TERMINAL = ['run.succeeded', 'run.failed', 'run.cancelled'];

function endedCheck(harness: Harness, runId: string): () => boolean {
  return () => harness.events.some((e) => e.runId === runId && TERMINAL.includes(e.type));
}

/** True while the step's latest event says it waits for a decision. */
function awaitsApproval(harness: Harness, runId: string, step: string): boolean {
  const last = harness.events.findLast((e) => e.runId === runId && e.stepKey === step);
  return last?.type === 'step.approval.requested';
}

async function decide(harness: Harness, runId: string, decision: Decision): Promise<void> {
  const call = harness.engine.decideApproval(runId, decision.step, {
    decision: decision.decision,
    by: decision.by,
    ...(decision.comment === undefined ? {} : { comment: decision.comment }),
  });
  if (decision.error) await expect(call).rejects.toMatchObject({ code: decision.error });
  else await call;
}

async function makeDecisions(harness: Harness, runId: string, fixture: Fixture): Promise<void> {
  const ended = endedCheck(harness, runId);
  for (const item of fixture.decisions ?? []) {
    const race = 'race' in item ? item.race : null;
    const step = race ? (race[0] as Decision).step : (item as Decision).step;
    await harness.work(() => ended() || awaitsApproval(harness, runId, step));
    if (!race) {
      await decide(harness, runId, item as Decision);
      continue;
    }
    const settled = await Promise.allSettled(
      race.map((one) => harness.engine.decideApproval(runId, one.step, { decision: one.decision, by: one.by })),
    );
    expect(
      settled.filter((one) => one.status === 'fulfilled'),
      'one decision of the race applies',
    ).toHaveLength(1);
    for (const lost of settled.filter((one) => one.status === 'rejected')) {
      expect(lost.reason).toMatchObject({ code: 'ATOM_ERR_APPROVAL_NOT_PENDING' });
    }
  }
}

/** Replays the ended run as the fixture says; the id of the replay, or null when it was refused. */
async function replay(harness: Harness, runId: string, fixture: Fixture): Promise<string | null> {
  const wanted = fixture.replay;
  if (!wanted) return null;
  const version = wanted.workflow ? (await harness.engine.registerWorkflow(wanted.workflow)).version : undefined;
  const call = harness.engine.replayRun(runId, {
    ...(wanted.fromStep === undefined ? {} : { fromStep: wanted.fromStep }),
    ...(version === undefined ? {} : { version }),
  });
  if (wanted.error) {
    await expect(call).rejects.toMatchObject({ code: wanted.error });
    return null;
  }
  const run = await call;
  await harness.work(endedCheck(harness, run.id));
  return run.id;
}

describe('engine fixtures', () => {
  it('has fixtures', () => expect(files.length).toBeGreaterThan(10));

  for (const file of files) {
    const fixture = parse(readFileSync(join(dir, file), 'utf8')) as Fixture;
    it(`${file}: ${fixture.rule}`, async () => {
      callCounts.clear();
      const clock = new VirtualClock(Date.parse('2026-01-05T09:00:00Z'));
      const harness = await createHarness({
        clock,
        ...(fixture.options ? { options: fixture.options } : {}),
        ...(fixture.secrets ? { secrets: fixture.secrets } : {}),
      });
      try {
        const { engine } = harness;
        for (const child of fixture.children ?? []) await engine.registerWorkflow(child);
        const registered = await engine.registerWorkflow(fixture.workflow);
        const started = await engine.startRun({
          workflow: registered.workflowId,
          version: registered.version,
          inputs: fixture.inputs ?? {},
        });
        const ended = endedCheck(harness, started.id);
        await makeDecisions(harness, started.id, fixture);
        await harness.work(ended);
        for (const event of fixture.events ?? []) {
          await engine.raiseEvent(event.name, event.payload ?? null);
          await harness.work(ended);
        }
        const replayId = await replay(harness, started.id, fixture);
        await checkRun(engine, harness.events, replayId ?? started.id, fixture.expect, file);
        if (fixture.original)
          await checkRun(engine, harness.events, started.id, fixture.original, `${file} (original)`);
      } finally {
        await harness.close();
      }
    });
  }
});
