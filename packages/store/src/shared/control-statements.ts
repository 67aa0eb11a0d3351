/**
 * The ControlStore methods that are one statement each (all but putWorkflowVersionIf, which each
 * adapter runs as a unit), bound to the adapter's way of running one statement outside a unit (see
 * single-statements.ts). Their SQL is the same in both databases but for placeholders.
 *
 * In: the adapter's runner and SqlDialect. Out: those ControlStore methods.
 */
import { DEFAULT_WORKSPACE_ID } from '@atom/engine';
import type { AuditStore } from '../control/audit-store.js';
import type { ControlStore } from '../control/control-store.js';
import type { MemberStore } from '../control/member-store.js';
import type { RetentionStore } from '../control/retention-store.js';
import type { SecretStore } from '../control/secret-store.js';
import type { SessionStore } from '../control/session-store.js';
import type { SettingsStore } from '../control/settings-store.js';
import type { WorkspaceStore } from '../control/workspace-store.js';
import { auditQueries } from './audit-queries.js';
import { catalogueQueries } from './catalogue-queries.js';
import { memberQueries } from './member-queries.js';
import { retentionQueries } from './retention-queries.js';
import { scheduleQueries } from './schedule-queries.js';
import { secretQueries } from './secret-queries.js';
import { sessionQueries } from './session-queries.js';
import { settingsQueries } from './settings-queries.js';
import type { OneStatement } from './single-statements.js';
import type { SqlDialect } from './sql-dialect.js';
import { userQueries } from './user-queries.js';
import { workspaceQueries } from './workspace-queries.js';

export type ControlStatement = Exclude<keyof ControlStore, 'putWorkflowVersionIf' | 'createUser'>;

/** The control methods of several statements, each run as one unit of the adapter's (`unit`). */
export function controlUnits(
  unit: OneStatement,
  d: SqlDialect,
): Pick<ControlStore, 'createUser'> & Pick<MemberStore, 'deleteUser'> & Pick<WorkspaceStore, 'createWorkspace'> {
  const users = userQueries(d);
  const members = memberQueries(d);
  const workspaces = workspaceQueries(d);
  return {
    createUser: (user, workspaceId = DEFAULT_WORKSPACE_ID) => unit((e) => users.createUser(e, user, workspaceId)),
    deleteUser: (workspaceId, id) => unit((e) => members.deleteUser(e, workspaceId, id)),
    createWorkspace: (workspace, ownerId) => unit((e) => workspaces.createWorkspace(e, workspace, ownerId)),
  };
}

export function controlStatements(
  one: OneStatement,
  d: SqlDialect,
): Pick<ControlStore, ControlStatement> &
  Omit<MemberStore, 'deleteUser'> &
  Omit<WorkspaceStore, 'createWorkspace'> &
  SessionStore &
  SecretStore &
  AuditStore &
  SettingsStore &
  Omit<RetentionStore, 'pruneRuns'> {
  const catalogue = catalogueQueries(d);
  const users = userQueries(d);
  const members = memberQueries(d);
  const marks = scheduleQueries(d);
  const sessions = sessionQueries(d);
  const secrets = secretQueries(d);
  const audit = auditQueries(d);
  const settings = settingsQueries(d);
  const retention = retentionQueries(d);
  const workspaces = workspaceQueries(d);
  return {
    getWorkspace: (idOrSlug) => one((e) => workspaces.getWorkspace(e, idOrSlug)),
    listWorkspaces: () => one(workspaces.listWorkspaces),
    renameWorkspace: (id, name) => one((e) => workspaces.renameWorkspace(e, id, name)),
    listMemberships: (userId) => one((e) => workspaces.listMemberships(e, userId)),
    getMembership: (workspaceId, userId) => one((e) => workspaces.getMembership(e, workspaceId, userId)),
    addMember: (workspaceId, userId, role, now) => one((e) => workspaces.addMember(e, workspaceId, userId, role, now)),

    getRetention: (workspaceId) => one((e) => retention.getRetention(e, workspaceId)),
    putRetention: (s) => one((e) => retention.putRetention(e, s)),
    countPrunable: (before, workspaceId) => one((e) => retention.countPrunable(e, before, workspaceId)),
    blobReferenced: (ref) => one((e) => retention.blobReferenced(e, ref)),

    getWorkflowSummary: (idOrName, workspaceId) => one((e) => catalogue.getWorkflowSummary(e, idOrName, workspaceId)),
    listWorkflows: (query) => one((e) => catalogue.listWorkflows(e, query)),
    listWorkflowVersions: (workflowId) => one((e) => catalogue.listWorkflowVersions(e, workflowId)),
    setTriggersEnabled: (workflowId, enabled, now) =>
      one((e) => catalogue.setTriggersEnabled(e, workflowId, enabled, now)),
    deleteWorkflow: (workflowId, now) => one((e) => catalogue.deleteWorkflow(e, workflowId, now)),
    listTriggerSources: () => one(catalogue.listTriggerSources),
    triggerSourcesStamp: () => one(catalogue.triggerSourcesStamp),

    getUserByEmail: (email) => one((e) => users.getUserByEmail(e, email)),
    getUser: (id) => one((e) => users.getUser(e, id)),
    countUsers: () => one(users.countUsers),
    createApiToken: (token) => one((e) => users.createApiToken(e, token)),
    findApiToken: (tokenHash) => one((e) => users.findApiToken(e, tokenHash)),
    touchApiToken: (id, now) => one((e) => users.touchApiToken(e, id, now)),

    listUsers: (workspaceId) => one((e) => members.listUsers(e, workspaceId)),
    setUserRole: (workspaceId, id, role) => one((e) => members.setUserRole(e, workspaceId, id, role)),
    listApiTokens: (workspaceId, userId) => one((e) => members.listApiTokens(e, workspaceId, userId)),
    getApiToken: (id) => one((e) => members.getApiToken(e, id)),
    revokeApiToken: (id, now) => one((e) => members.revokeApiToken(e, id, now)),
    createInvitation: (invitation) => one((e) => members.createInvitation(e, invitation)),
    findInvitation: (tokenHash) => one((e) => members.findInvitation(e, tokenHash)),
    listInvitations: (workspaceId) => one((e) => members.listInvitations(e, workspaceId)),
    revokeInvitation: (workspaceId, id, now) => one((e) => members.revokeInvitation(e, workspaceId, id, now)),
    markInvitationAccepted: (id, now) => one((e) => members.markInvitationAccepted(e, id, now)),

    getScheduleMark: (workflowId, triggerKey) => one((e) => marks.getScheduleMark(e, workflowId, triggerKey)),
    advanceScheduleMark: (workflowId, triggerKey, fireAt) =>
      one((e) => marks.advanceScheduleMark(e, workflowId, triggerKey, fireAt)),

    createSession: (session) => one((e) => sessions.createSession(e, session)),
    findSession: (tokenHash) => one((e) => sessions.findSession(e, tokenHash)),
    touchSession: (id, now) => one((e) => sessions.touchSession(e, id, now)),
    revokeSession: (id, now) => one((e) => sessions.revokeSession(e, id, now)),
    revokeUserSessions: (userId, now) => one((e) => sessions.revokeUserSessions(e, userId, now)),

    putSecret: (secret) => one((e) => secrets.putSecret(e, secret)),
    listSecrets: (workspaceId) => one((e) => secrets.listSecrets(e, workspaceId)),
    sealedSecrets: (workspaceId) => one((e) => secrets.sealedSecrets(e, workspaceId)),
    allSealedSecrets: () => one(secrets.allSealedSecrets),
    resealSecret: (workspaceId, name, expected, sealed) =>
      one((e) => secrets.resealSecret(e, workspaceId, name, expected, sealed)),
    deleteSecret: (workspaceId, name) => one((e) => secrets.deleteSecret(e, workspaceId, name)),
    putVariable: (variable) => one((e) => secrets.putVariable(e, variable)),
    listVariables: (workspaceId) => one((e) => secrets.listVariables(e, workspaceId)),
    deleteVariable: (workspaceId, name) => one((e) => secrets.deleteVariable(e, workspaceId, name)),

    auditHead: (workspaceId) => one((e) => audit.auditHead(e, workspaceId)),
    appendAudit: (row) => one((e) => audit.appendAudit(e, row)),
    listAudit: (workspaceId, afterSeq, limit) => one((e) => audit.listAudit(e, workspaceId, afterSeq, limit)),

    getWorkspaceSettings: (workspaceId) => one((e) => settings.getWorkspaceSettings(e, workspaceId)),
    putWorkspaceSettings: (value) => one((e) => settings.putWorkspaceSettings(e, value)),
  };
}
