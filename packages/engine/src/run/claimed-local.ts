/**
 * Claimed local steps run in the claim's own unit (ADR 0018). A claim that takes steps of a local
 * node (`transform`, see local-step.ts) evaluates them right there, after recording their start,
 * and commits their results — and the local steps they make startable — in the claim's
 * transaction, instead of handing them to the worker, which would record each in a unit of its own.
 * Durability is that of any local step: a result is committed before anything after it starts, and
 * a crash before the commit loses the claim with it, so the steps are claimed and run again.
 *
 * In: the claim's StoreTx, the steps it started (claims.ts), and what running them locally needs.
 * Out: the steps left for the worker; the events and outputs of the local work in `out`.
 */
import type { CompiledWorkflow } from '@atom/spec';
import type { NodeRegistry } from '../ports/node-registry.js';
import { type NewRunEvent, type StoreTx, TERMINAL_RUN_STATUSES } from '../ports/store-port.js';
import type { BindingRow } from './bindings.js';
import type { StartedStep } from './claims.js';
import { markWaitingIfIdle } from './commit-queue.js';
import {
  isLocalStep,
  LOCAL_STEPS_PER_UNIT,
  type LocalOffer,
  localSteps,
  queueClaimed,
  runLocalSteps,
} from './local-step.js';
import type { EngineServices, Unit } from './unit.js';

/** Local steps one claim may run in all (its transaction holds the store's write lock meanwhile). */
export const LOCAL_STEPS_PER_CLAIM = 4 * LOCAL_STEPS_PER_UNIT;

export interface ClaimedLocalDeps {
  services: EngineServices;
  nodes: NodeRegistry;
  /** What running local steps of a run of this workspace needs; undefined: leave them to the worker. */
  offerFor(workspaceId: string): LocalOffer | undefined;
  now: number;
  /** The compiled workflow when it is in memory (reading it from the store inside the unit would wait for the unit). */
  cachedWorkflow(workflowId: string, version: number): CompiledWorkflow | undefined;
}

/** What the local work produced, to publish and remember once the claim has committed. */
export interface ClaimedLocalOutput {
  events: NewRunEvent[];
  succeeded: { runId: string; row: BindingRow }[];
}

/** Runs the local steps among `started`, run by run; returns the rest, still held, in their order. */
export async function runClaimedLocally(
  tx: StoreTx,
  started: readonly StartedStep[],
  deps: ClaimedLocalDeps,
  out: ClaimedLocalOutput,
): Promise<StartedStep[]> {
  const byRun = new Map<string, StartedStep[]>();
  for (const one of started) {
    const list = byRun.get(one.run.id);
    if (list) list.push(one);
    else byRun.set(one.run.id, [one]);
  }
  const ranLocally = new Set<StartedStep>();
  /** Per run: the lease tokens of its steps left for the worker that are still held after the local work. */
  const stillHeld = new Map<string, Set<string | null>>();
  let budget = LOCAL_STEPS_PER_CLAIM;
  for (const [runId, steps] of byRun) {
    const first = steps[0];
    if (!first || budget <= 0) continue;
    const wf = deps.cachedWorkflow(first.run.workflowId, first.run.version);
    const offer = deps.offerFor(first.run.workspaceId);
    if (!wf || !offer) continue;
    const local = steps.filter(
      ({ step }) => step.resume === null && isLocalStep(wf, deps.nodes, step.stepId, step.kind),
    );
    if (local.length === 0) continue;
    const unit: Unit = {
      tx,
      run: first.run,
      wf,
      now: deps.now,
      services: deps.services,
      events: [],
      dispatch: null,
      claimed: [],
      succeeded: [],
      startedSomething: false,
      local: localSteps(offer),
    };
    const allowed = Math.min(LOCAL_STEPS_PER_UNIT, budget);
    if (unit.local) unit.local.budget = allowed;
    for (const one of local) {
      queueClaimed(unit, one.step);
      ranLocally.add(one);
    }
    await runLocalSteps(unit);
    await markWaitingIfIdle(unit);
    // The claimed steps, and the local steps they made startable.
    budget -= local.length + allowed - (unit.local?.budget ?? allowed);
    out.events.push(...unit.events);
    for (const row of unit.succeeded) out.succeeded.push({ runId, row });
    const rest = steps.filter((one) => !ranLocally.has(one));
    if (rest.length === 0) continue;
    // The local work may have ended the run or cancelled its other steps: hand over only those
    // still running under the claim's lease.
    const rows = TERMINAL_RUN_STATUSES.includes(unit.run.status)
      ? []
      : await tx.getSteps(
          runId,
          rest.map((one) => one.step.key),
        );
    stillHeld.set(runId, new Set(rows.filter((row) => row.status === 'running').map((row) => row.leaseToken)));
  }
  return started.filter((one) => {
    if (ranLocally.has(one)) return false;
    const held = stillHeld.get(one.run.id);
    return held === undefined || held.has(one.step.leaseToken);
  });
}
