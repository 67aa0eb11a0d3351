/**
 * AuditStore: the append-only audit log, one hash chain per workspace (the chain itself is
 * computed by the server: apps/server/src/audit). The store keeps rows exactly as given and
 * refuses a second row with the same `seq`, so two writers racing for the next position cannot
 * both win: the loser reads the new head and chains again.
 *
 * In: complete rows. Out: the same rows, in `seq` order.
 */
export interface AuditRow {
  workspaceId: string;
  seq: number;
  at: number;
  actor: unknown;
  action: string;
  target: unknown;
  source: unknown;
  data: unknown;
  prevHash: string;
  hash: string;
}

export interface AuditStore {
  /** The newest row's position and hash, or undefined for an empty log. */
  auditHead(workspaceId: string): Promise<{ seq: number; hash: string } | undefined>;
  /** False (nothing written) when a row already holds `row.seq`. */
  appendAudit(row: AuditRow): Promise<boolean>;
  /** Rows with `seq > afterSeq`, oldest first, at most `limit`. */
  listAudit(workspaceId: string, afterSeq: number, limit: number): Promise<AuditRow[]>;
}
