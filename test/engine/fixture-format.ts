/**
 * The shape of a YAML fixture in ./fixtures. Each pins one rule of DESIGN §3/§4, named in `rule`.
 *
 * Driving the run (all optional besides `workflow`):
 *   inputs, options, secrets                 run inputs; EngineOptions overrides; $secrets
 *   children [doc]                           workflows registered first (targets of workflow.call)
 *   events [{name, payload}]                 raised one by one once the run has parked
 *   decisions [decision | {race: [decision]}] approvals, in order, each once its step awaits one;
 *                                            decision = {step, decision, by, comment?, error?}
 *                                            (error: the code decideApproval throws). In a race the
 *                                            decisions are made at once: exactly one applies, the
 *                                            others get ATOM_ERR_APPROVAL_NOT_PENDING.
 *   replay {fromStep?, workflow?, error?}    once the run ended, replays it (on `workflow`, stored as
 *                                            a new version, when given); error: the code replayRun
 *                                            throws. `expect` then describes the replay, `original`
 *                                            the first run.
 *
 * Vocabulary of `expect` (all optional):
 *   status, outputs, error {code, step}      the run's end
 *   trigger                                  the run's trigger contains this
 *   steps {key: status}, attempts {key: n}   step rows
 *   outputOf {key: value}, blobs [key]       step outputs (blobs: kept by reference)
 *   order [a, b, c]                          each finished before the next started
 *   parallel [[a, b]]                        ran at the same time
 *   maxConcurrent {prefix: n}                at most n of the steps whose key starts with prefix at once
 *   retryDelays {key: [ms…]}                 delays scheduled between attempts
 *   compensations [key…]                     steps undone, in execution order
 *   cache {nodeType: {hits, misses}}
 *   minDurationMs n                          virtual time the run took, at least
 *   logged {type: [data…]}                   every event of that type, in order, its data
 *                                            containing the given one
 *   notStarted [key]                         steps that never started in this run
 *   calls {name: n}                          calls of each `test.count` name over the whole fixture
 */

export interface Decision {
  step: string;
  decision: 'approved' | 'rejected';
  by: string;
  comment?: string;
  error?: string;
}

export interface Expectations {
  status?: string;
  outputs?: unknown;
  error?: { code?: string; step?: string };
  trigger?: Record<string, unknown>;
  steps?: Record<string, string>;
  attempts?: Record<string, number>;
  outputOf?: Record<string, unknown>;
  blobs?: string[];
  order?: string[];
  parallel?: string[][];
  maxConcurrent?: Record<string, number>;
  retryDelays?: Record<string, number[]>;
  compensations?: string[];
  cache?: Record<string, { hits: number; misses: number }>;
  minDurationMs?: number;
  logged?: Record<string, unknown[]>;
  notStarted?: string[];
  calls?: Record<string, number>;
}

export interface Fixture {
  rule: string;
  inputs?: Record<string, unknown>;
  options?: Record<string, number>;
  secrets?: Record<string, string>;
  children?: unknown[];
  events?: Array<{ name: string; payload?: unknown }>;
  decisions?: Array<Decision | { race: Decision[] }>;
  replay?: { fromStep?: string; workflow?: unknown; error?: string };
  workflow: unknown;
  expect: Expectations;
  original?: Expectations;
}
