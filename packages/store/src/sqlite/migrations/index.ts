/**
 * Every migration of the SQLite schema, in order. A static list rather than a folder scan, so the
 * migrations run the same from src (tests) and from dist (the built program).
 * Add a migration: a new `NNNN-what.ts` with an `up`, and one line here. Never edit a released one.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';
import * as server from './0002-server.js';
import * as sessions from './0003-sessions.js';
import * as secrets from './0004-secrets.js';
import * as audit from './0005-audit.js';
import * as settings from './0006-settings.js';
import * as members from './0007-members.js';
import * as workerRegistry from './0022-worker-registry.js';
import * as runAdmission from './0023-run-admission.js';
import * as listingAndStats from './0036-listing-and-stats.js';
import * as retention from './0041-retention.js';
import * as claimOrder from './0042-claim-order.js';
import * as workspaces from './0050-workspaces.js';
import * as workflowSource from './0051-workflow-source.js';
import * as stepMinutes from './0052-step-minutes.js';
import * as eventFeedPruned from './0053-event-feed-pruned.js';
import * as oneFinishedIndex from './0054-one-finished-index.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-server': server,
  '0003-sessions': sessions,
  '0004-secrets': secrets,
  '0005-audit': audit,
  '0006-settings': settings,
  '0007-members': members,
  '0022-worker-registry': workerRegistry,
  '0023-run-admission': runAdmission,
  '0036-listing-and-stats': listingAndStats,
  '0041-retention': retention,
  '0042-claim-order': claimOrder,
  '0050-workspaces': workspaces,
  '0051-workflow-source': workflowSource,
  '0052-step-minutes': stepMinutes,
  '0053-event-feed-pruned': eventFeedPruned,
  '0054-one-finished-index': oneFinishedIndex,
};

export const sqliteMigrations: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
