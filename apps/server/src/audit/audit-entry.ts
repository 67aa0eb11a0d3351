/**
 * The shape of one audit log row. One chain per workspace: `seq` counts 1, 2, 3… without gaps inside
 * a workspace, and `prevHash` links each row to the one before it (see audit-chain.ts).
 */

/** Any value JSON can carry; `data` is stored and hashed as JSON, so nothing else may go in it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export const AUDIT_ACTOR_TYPES = ['user', 'token', 'system'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

/** Dot-separated words: `workflow.update`, `login.succeeded`, `apiToken.create`. */
export const AUDIT_ACTION_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z][A-Za-z0-9_-]*)*$/;

/** Who acted. `system` has no id or email; a token has the id of the token and its owner's email. */
export interface AuditActor {
  type: AuditActorType;
  id: string | null;
  email: string | null;
}

/** What was acted on, for example `{ type: 'workflow', id: 'wf_1', name: 'triage' }`. */
export interface AuditTarget {
  type: string;
  id: string | null;
  name: string | null;
}

/** Where the request came from; both null for actions of the system itself. */
export interface AuditSource {
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEntry {
  seq: number;
  workspaceId: string;
  /** Epoch milliseconds. */
  at: number;
  actor: AuditActor;
  /** `area.verb`, for example `workflow.update`, `login.succeeded`, `secret.set`. */
  action: string;
  target: AuditTarget;
  source: AuditSource;
  /** Facts about the action (changed fields, counts, names). Never a secret value. */
  data: JsonValue | null;
  prevHash: string;
  hash: string;
}

/** An entry before it is chained: `chainEntry` adds `seq`, `prevHash` and `hash`. */
export type AuditDraft = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

/** The position and hash of one entry: the previous entry when chaining, a kept head when verifying. */
export interface ChainLink {
  seq: number;
  hash: string;
}
