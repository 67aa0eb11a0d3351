/**
 * @atom/store: StorePort and BlobPort adapters.
 *
 * The conformance suite (`conformance/store-conformance.ts`) is deliberately not exported here: it
 * imports vitest, which must not load with the program. Adapters in this package import it by path.
 * The PostgreSQL adapter is its own entry, `@atom/store/postgres`, so that programs on the embedded
 * SQLite store do not load the PostgreSQL driver. `@atom/store/seed` fills a store with many runs
 * for tests and benchmarks.
 */

export { createFileBlobStore } from './blob/file-blob-store.js';
export type { AtomStore, ServerStores } from './control/atom-store.js';
export type { AuditRow, AuditStore } from './control/audit-store.js';
export type {
  ApiTokenRecord,
  ControlStore,
  TriggerSource,
  UserRecord,
  UserRole,
  VersionSummary,
  WorkflowListQuery,
  WorkflowSummary,
} from './control/control-store.js';
export type { InvitationRecord, MemberChange, MemberStore } from './control/member-store.js';
export type {
  PruneBatch,
  PruneQuery,
  RetentionSettings,
  RetentionStore,
} from './control/retention-store.js';
export type {
  ActivityBucket,
  ActivityQuery,
  DurationSummary,
  NodeTypeActivity,
  RunActivity,
  RunStats,
  RunStatsReader,
} from './control/run-stats.js';
export type { SealedSecret, SecretStore, SecretSummary, VariableRecord } from './control/secret-store.js';
export type { SessionRecord, SessionStore } from './control/session-store.js';
export type { SettingsStore, WorkspaceSettings } from './control/settings-store.js';
export type { MembershipRecord, WorkspaceRecord, WorkspaceStore } from './control/workspace-store.js';
export type { SchemaStatus } from './shared/schema-status.js';
export { SQLITE_PRAGMAS } from './sqlite/open-database.js';
export { sqliteSchemaStatus } from './sqlite/schema-status.js';
export { createSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
