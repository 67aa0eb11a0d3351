/**
 * What the feature modules share: the engine, the control store, the trigger index, and the clock.
 * Passed to each module's plugin; modules hold no state of their own beyond it.
 */
import type { Engine } from '@atom/engine';
import type { ServerStores } from '@atom/store';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AuditEvent, AuditLog } from './audit/audit-log.js';
import type { EventBus } from './events/event-bus.js';
import type { ServerMetrics } from './metrics/server-metrics.js';
import type { WorkspaceSecrets } from './secrets/workspace-secrets.js';
import type { TriggerIndex } from './triggers/trigger-index.js';

export interface ServerContext {
  engine: Engine;
  /** Run and step events of this process, and with Redis of every process. */
  bus: EventBus;
  control: ServerStores;
  triggers: TriggerIndex;
  /** Every workspace's secrets and variables (the same object the engine resolves them from). */
  secrets: WorkspaceSecrets;
  metrics: ServerMetrics;
  logger: Logger;
  now(): number;
  /** Default for webhook triggers with `respond: node` that set no `timeout`. */
  hookTimeoutMs: number;
  /** The longest `?wait=` a run start may ask for. */
  maxWaitSeconds: number;
  audit: AuditLog;
  /**
   * Appends an audit entry for the request's caller (after the change succeeded; never throws), to
   * the log of `workspaceId`: by default the request's workspace, `default` for a request without one.
   */
  record(request: FastifyRequest, event: AuditEvent, workspaceId?: string): Promise<void>;
  /** True once shutdown began: hooks and run starts answer 503. */
  closing(): boolean;
}
