/**
 * The audit log of a running Atom: chains each entry onto the workspace's head and appends it;
 * when another process took that position first, it reads the new head and chains again. Entries
 * are written after the change they record succeeded (not in its transaction): a failure to record
 * is logged as an error, and the change stands.
 */
import type { AuditRow, AuditStore } from '@atom/store';
import type { FastifyRequest } from 'fastify';
import { chainEntry } from './audit-chain.js';
import type { AuditActor, AuditDraft, AuditEntry, AuditSource, AuditTarget, JsonValue } from './audit-entry.js';
import { type ChainReport, verifyChain } from './audit-verify.js';

const MAX_ATTEMPTS = 50;
const PAGE = 500;

export interface AuditEvent {
  action: string;
  target: AuditTarget;
  data?: JsonValue | null;
}

/** Who made the request: the logged-in user (session), the token's user, or nobody yet (login). */
export function actorOf(request: FastifyRequest): AuditActor {
  const principal = request.principal;
  if (!principal) return { type: 'user', id: null, email: null };
  return principal.via === 'token'
    ? { type: 'token', id: principal.credentialId, email: principal.email }
    : { type: 'user', id: principal.userId, email: principal.email };
}

export function sourceOf(request: FastifyRequest): AuditSource {
  return { ip: request.ip ?? null, userAgent: request.headers['user-agent']?.slice(0, 500) ?? null };
}

export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: null, email: null };
export const NO_SOURCE: AuditSource = { ip: null, userAgent: null };

export class AuditLog {
  readonly #store: AuditStore;
  readonly #now: () => number;

  constructor(store: AuditStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  /** Appends one entry at the end of the workspace's chain. */
  async append(workspaceId: string, actor: AuditActor, source: AuditSource, event: AuditEvent): Promise<AuditEntry> {
    const draft: AuditDraft = {
      workspaceId,
      at: this.#now(),
      actor,
      action: event.action,
      target: event.target,
      source,
      data: event.data ?? null,
    };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const head = await this.#store.auditHead(workspaceId);
      const entry = chainEntry(head ?? null, draft);
      if (await this.#store.appendAudit(entry as AuditRow)) return entry;
    }
    throw new Error(`the audit log of ${workspaceId} stayed contended for ${MAX_ATTEMPTS} attempts`);
  }

  /** Every entry after `afterSeq`, oldest first, read page by page. */
  async *entries(workspaceId: string, afterSeq = 0): AsyncGenerator<AuditEntry> {
    let after = afterSeq;
    for (;;) {
      const rows = await this.#store.listAudit(workspaceId, after, PAGE);
      for (const row of rows) yield row as AuditEntry;
      if (rows.length < PAGE) return;
      after = rows.at(-1)?.seq ?? after;
    }
  }

  verify(workspaceId: string): Promise<ChainReport> {
    return verifyChain(this.entries(workspaceId));
  }
}
