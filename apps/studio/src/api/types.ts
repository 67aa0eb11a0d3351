/** The shapes of the API answers the Studio reads (docs/api.md). */

export type UserRole = 'owner' | 'admin' | 'editor' | 'operator' | 'viewer';

export interface SessionUser {
  id: string;
  email: string;
  role: UserRole;
}

export interface SessionAnswer {
  user: SessionUser;
  csrfToken?: string;
  via?: string;
  /** The workspace the answering request acted in (`user.role` is the role there). */
  workspace?: { id: string; slug: string };
}

/** One of the user's workspaces (GET /api/v1/workspaces). */
export interface WorkspaceSummary {
  id: string;
  slug: string;
  name: string;
  role: UserRole;
  createdAt: string;
}

export interface WorkflowSummary {
  id: string;
  name: string;
  version: number;
  description: string | null;
  triggersEnabled: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface WorkflowWithDocument extends WorkflowSummary {
  document: Record<string, unknown>;
}

export interface VersionItem {
  version: number;
  hash: string;
  createdAt: string;
}

/** One version as GET /api/v1/workflows/{name}/versions/{n} answers it. */
export interface WorkflowVersion extends VersionItem {
  document: Record<string, unknown>;
  /** The YAML as saved, comments included; null when it was saved as a JSON document. */
  source: string | null;
}

export interface DiffChange {
  path: string;
  kind: string;
  before?: unknown;
  after?: unknown;
}

export interface NodeType {
  type: string;
  version: number;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  deferredInputs: string[];
}

export type RunStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';

export interface StepState {
  key: string;
  stepId: string;
  scope: string;
  kind: string;
  index: number;
  status: string;
  attempt: number;
  input: unknown;
  output: unknown;
  error: unknown;
  wait: unknown;
  itemCount: number | null;
  dueAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface RunDetail {
  id: string;
  workflow: { id: string; name: string; version: number };
  status: RunStatus;
  phase: string;
  parentRunId: string | null;
  error: unknown;
  inputs: unknown;
  outputs: unknown;
  trigger: unknown;
  createdAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string | null;
  steps: StepState[];
}

export interface RunEvent {
  id: number;
  runId: string;
  workflowId: string;
  type: string;
  stepKey: string | null;
  data: unknown;
  at: string;
}
