export { chainEntry, entryHash, GENESIS_HASH } from './audit-chain.js';
export { AUDIT_CSV_COLUMNS, csvCell, toCsv } from './audit-csv.js';
export {
  AUDIT_ACTION_PATTERN,
  AUDIT_ACTOR_TYPES,
  type AuditActor,
  type AuditActorType,
  type AuditDraft,
  type AuditEntry,
  type AuditSource,
  type AuditTarget,
  type ChainLink,
  type JsonValue,
} from './audit-entry.js';
export { type AuditFilter, matchesFilter, parseAuditFilter } from './audit-filter.js';
export { toJsonl } from './audit-jsonl.js';
export { type AuditEvent, AuditLog, actorOf, NO_SOURCE, SYSTEM_ACTOR, sourceOf } from './audit-log.js';
export {
  type ChainProblem,
  type ChainProblemKind,
  type ChainReport,
  type VerifyOptions,
  verifyChain,
} from './audit-verify.js';
