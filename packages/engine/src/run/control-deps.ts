/**
 * What the run-control operations (starting, replaying, deciding approvals) need from the engine:
 * the store, the services, the time, compiled workflows, group-committed units and the listeners
 * to tell. The Engine builds it once and its public methods delegate to these operations.
 */
import type { CompiledWorkflow } from '@atom/spec';
import type { AdmissionCounts, NewRunEvent, StorePort, StoreTx } from '../ports/store-port.js';
import type { EngineServices, Unit } from './unit.js';

export interface ControlDeps {
  store: StorePort;
  services: EngineServices;
  now(): number;
  /** Compiled workflow of a stored version, cached. */
  workflow(workflowId: string, version: number): Promise<CompiledWorkflow>;
  /** A workflow of the workspace by name or id, its newest version unless `version` is given. */
  workflowByName(
    idOrName: string,
    version: number | null,
    workspaceId: string,
  ): Promise<{ workflowId: string; version: number; wf: CompiledWorkflow }>;
  /** Runs `fn` as one unit on a run that has not ended (does nothing when it has). */
  commit(runId: string, wf: CompiledWorkflow, fn: (unit: Unit) => Promise<unknown>): Promise<void>;
  /**
   * Runs `fn` as a group-committed unit that creates run `runId`; the events it collects are
   * published once it is durable. `fn` may run twice (see CommitQueue.create).
   */
  create<T>(runId: string, fn: (tx: StoreTx, events: NewRunEvent[]) => Promise<T>): Promise<T>;
  /** Tells listeners about events committed outside `commit`. */
  publish(events: readonly NewRunEvent[]): void;
  /** The concurrent-runs limit new runs are admitted under; null: none. */
  admission(): RunAdmission | null;
}

/**
 * The concurrent-runs limit of each workspace (its tier, DESIGN §7): a new run over it is stored `queued`
 * in phase `held`, with no steps, and starts when `admitHeldRuns` finds a free slot.
 */
export interface RunAdmission {
  /** The most runs of the workspace that may be under way (Infinity: no limit); read at every start. */
  limit(workspaceId: string): Promise<number>;
  /** Told after a run was created: the workspace's runs under way then (held ones apart) and its limit. */
  observe?(counts: AdmissionCounts, limit: number, workspaceId: string): void;
}
