/**
 * What both adapters are: the engine's StorePort and every store the server needs, on one object
 * and one database, so one backup holds everything. Name this type instead of listing the ports.
 */
import type { StorePort } from '@atom/engine';
import type { AuditStore } from './audit-store.js';
import type { ControlStore } from './control-store.js';
import type { MemberStore } from './member-store.js';
import type { RetentionStore } from './retention-store.js';
import type { RunStatsReader } from './run-stats.js';
import type { SecretStore } from './secret-store.js';
import type { SessionStore } from './session-store.js';
import type { SettingsStore } from './settings-store.js';
import type { WorkspaceStore } from './workspace-store.js';

/** Every store the server uses, without the engine's port (what a server's `control` needs). */
export type ServerStores = ControlStore &
  MemberStore &
  RunStatsReader &
  SessionStore &
  SecretStore &
  AuditStore &
  SettingsStore &
  RetentionStore &
  WorkspaceStore;

export type AtomStore = StorePort & ServerStores;
