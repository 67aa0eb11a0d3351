/**
 * Conformance cases for workspaces (ADR 0015): slugs unique, memberships with a role each, the last
 * owner guarded per workspace, and workflows, runs, events, tokens, invitations and dashboard
 * figures that one workspace never sees of another (by name, by id, in listings and in the event feed).
 */
import type { NewRunEvent } from '@atom/engine';
import { expect, it } from 'vitest';
import type { UserRecord } from '../control/control-store.js';
import type { WorkspaceRecord } from '../control/workspace-store.js';
import { newStep, seedRun, T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';
import { ADA, TOKEN } from './user-cases.js';

const GRACE: UserRecord = { ...ADA, id: 'u-2', email: 'grace@example.com', role: 'editor', createdAt: T0 + 1 };
const ACME: WorkspaceRecord = { id: 'ws-acme', slug: 'acme', name: 'Acme', createdAt: T0 + 10 };
const doc = (name: string) => ({ atom: 1, name, steps: [{ id: 'a', uses: 'log' }] });

export function workspaceCases(h: StoreHarness): void {
  it('holds `default` from the start, creates a workspace with its owner, refuses a taken slug', async () => {
    expect(await h.store.getWorkspace('default')).toMatchObject({ id: 'default', slug: 'default' });
    await h.store.createUser(ADA);
    await h.store.createUser(GRACE);
    await h.store.createWorkspace(ACME, 'u-2');
    expect(await h.store.getWorkspace('acme')).toEqual(ACME);
    expect(await h.store.getWorkspace('ws-acme')).toEqual(ACME);
    expect(await h.store.getWorkspace('nope')).toBeUndefined();
    await expect(h.store.createWorkspace({ ...ACME, id: 'ws-2' }, 'u-1')).rejects.toMatchObject({
      code: 'ATOM_ERR_WORKSPACE_EXISTS',
    });
    expect(await h.store.getWorkspace('ws-2')).toBeUndefined();
    expect(await h.store.renameWorkspace('ws-acme', 'Acme Corp')).toBe(true);
    expect(await h.store.renameWorkspace('ws-none', 'x')).toBe(false);
    expect((await h.store.getWorkspace('acme'))?.name).toBe('Acme Corp');

    expect(await h.store.getMembership('ws-acme', 'u-2')).toBe('owner');
    expect(await h.store.getMembership('ws-acme', 'u-1')).toBeUndefined();
    expect(await h.store.addMember('ws-acme', 'u-1', 'viewer', T0 + 20)).toBe(true);
    expect(await h.store.addMember('ws-acme', 'u-1', 'admin', T0 + 21)).toBe(false);
    expect(await h.store.getMembership('ws-acme', 'u-1')).toBe('viewer');
    // In the order joined: the first is what a session opens by default, and the user's role alone.
    expect((await h.store.listMemberships('u-2')).map((m) => [m.slug, m.role])).toEqual([
      ['default', 'editor'],
      ['acme', 'owner'],
    ]);
    expect((await h.store.getUser('u-2'))?.role).toBe('editor');
    expect((await h.store.listUsers('ws-acme')).map((u) => [u.id, u.role])).toEqual([
      ['u-2', 'owner'],
      ['u-1', 'viewer'],
    ]);
  });

  it('guards the last owner per workspace and removes a member from one workspace only', async () => {
    await h.store.createUser(ADA);
    await h.store.createUser(GRACE);
    await h.store.createWorkspace(ACME, 'u-2');
    await h.store.addMember('ws-acme', 'u-1', 'owner', T0 + 20);
    await h.store.createApiToken({ ...TOKEN, userId: 'u-2', workspaceId: 'ws-acme' });
    await h.store.createApiToken({ ...TOKEN, id: 't-2', userId: 'u-2', tokenHash: 'b'.repeat(64) });
    // Ada is the only owner of `default`, one of two in acme.
    expect(await h.store.setUserRole('default', 'u-1', 'admin')).toBe('last-owner');
    expect(await h.store.setUserRole('ws-acme', 'u-1', 'admin')).toBe('changed');
    expect(await h.store.deleteUser('ws-acme', 'u-2')).toBe('last-owner');
    expect(await h.store.setUserRole('ws-acme', 'u-1', 'owner')).toBe('changed');
    expect(await h.store.deleteUser('ws-acme', 'u-2')).toBe('changed');
    // Grace stays a member of `default` with her token there; her acme token is gone.
    expect(await h.store.getUser('u-2')).toBeDefined();
    expect(await h.store.findApiToken(TOKEN.tokenHash)).toBeUndefined();
    expect((await h.store.findApiToken('b'.repeat(64)))?.user.role).toBe('editor');
    expect(await h.store.deleteUser('ws-acme', 'u-2')).toBe('not-found');
    // Removed from her last workspace, she is deleted.
    expect(await h.store.deleteUser('default', 'u-2')).toBe('changed');
    expect(await h.store.getUser('u-2')).toBeUndefined();
  });

  it("gives a token the role its user has in the token's own workspace", async () => {
    await h.store.createUser(ADA);
    await h.store.createUser(GRACE);
    await h.store.createWorkspace(ACME, 'u-1');
    await h.store.addMember('ws-acme', 'u-2', 'operator', T0 + 20);
    await h.store.createApiToken({ ...TOKEN, userId: 'u-2', workspaceId: 'ws-acme' });
    expect(await h.store.findApiToken(TOKEN.tokenHash)).toMatchObject({
      token: { workspaceId: 'ws-acme' },
      user: { id: 'u-2', role: 'operator' },
    });
    expect((await h.store.listApiTokens('ws-acme')).map((t) => t.id)).toEqual(['t-1']);
    expect(await h.store.listApiTokens('default')).toEqual([]);
  });

  it('keeps names per workspace: the same name twice, neither found from the other workspace', async () => {
    await h.store.createUser(ADA);
    await h.store.createWorkspace(ACME, 'u-1');
    const home = await h.store.putWorkflowVersion('orders', doc('orders'), 'h1', T0);
    const away = await h.store.putWorkflowVersion('orders', doc('orders'), 'h1', T0, 'ws-acme');
    expect(away.workflowId).not.toBe(home.workflowId);
    expect(away).toMatchObject({ workspaceId: 'ws-acme', version: 1, created: true });
    expect((await h.store.getWorkflowSummary('orders', 'ws-acme'))?.workflowId).toBe(away.workflowId);
    expect(await h.store.getWorkflowSummary(away.workflowId, 'default')).toBeUndefined();
    expect(await h.store.getWorkflowSummary(home.workflowId, 'ws-acme')).toBeUndefined();
    expect((await h.store.getWorkflowVersion('orders'))?.workflowId).toBe(home.workflowId);
    expect((await h.store.getWorkflowVersion('orders', undefined, 'ws-acme'))?.workflowId).toBe(away.workflowId);
    expect(await h.store.getWorkflowVersion(home.workflowId, undefined, 'ws-acme')).toBeUndefined();
    expect(await h.store.findWorkflowVersion(away.workflowId, 1, 'default')).toBeUndefined();
    // Without a workspace an id is found wherever it lives (the engine's runs in flight).
    expect((await h.store.getWorkflowVersion(away.workflowId))?.workspaceId).toBe('ws-acme');
    const next = await h.store.putWorkflowVersionIf('orders', doc('orders'), 'h2', T0 + 1, 1, 'ws-acme');
    expect(next).toMatchObject({ workflowId: away.workflowId, version: 2 });
    expect((await h.store.getWorkflowSummary('orders', 'default'))?.version).toBe(1);
    const listed = await h.store.listWorkflows({ workspaceId: 'ws-acme', limit: 10 });
    expect(listed.map((w) => [w.workflowId, w.workspaceId])).toEqual([[away.workflowId, 'ws-acme']]);
    const sources = await h.store.listTriggerSources();
    expect(sources.map((s) => s.workspaceId).sort()).toEqual(['default', 'ws-acme']);
  });

  it("lists only a workspace's runs and reads only its events from the feed", async () => {
    const start = await h.store.eventFeedCursor(0);
    const mine = await seedRun(h.store, { workflowId: 'wf-a' });
    const theirs = await seedRun(h.store, { workflowId: 'wf-b', workspaceId: 'ws-acme', createdAt: T0 + 1 });
    expect((await h.store.getRun(theirs.id))?.workspaceId).toBe('ws-acme');
    expect((await h.store.listRuns({ workspaceId: 'ws-acme' })).map((r) => r.id)).toEqual([theirs.id]);
    expect((await h.store.listRuns({ workspaceId: 'default' })).map((r) => r.id)).toEqual([mine.id]);
    expect((await h.store.listRuns()).map((r) => r.id)).toEqual([theirs.id, mine.id]);
    const event = (runId: string): NewRunEvent => ({ runId, type: 'x', stepKey: null, data: null, at: T0 });
    await h.store.atomically((tx) => tx.appendEvents([event(mine.id), event(theirs.id)]));
    // PostgreSQL holds back events while any older transaction of the server runs: read until final.
    let page = await h.store.readEventFeed({ from: start, workspaceId: 'ws-acme', limit: 10 });
    for (let tries = 0; page.events.length === 0 && tries < 400; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      page = await h.store.readEventFeed({ from: start, workspaceId: 'ws-acme', limit: 10 });
    }
    expect(page.events.map((e) => [e.runId, e.workspaceId])).toEqual([[theirs.id, 'ws-acme']]);
  });

  it("counts one workspace's runs, queue and step durations for its dashboard", async () => {
    const ours = await seedRun(h.store, { status: 'running', workspaceId: 'ws-acme', createdAt: T0 }, [
      newStep('', 'a', { status: 'ready', dueAt: T0 - 5 }),
    ]);
    await seedRun(h.store, { status: 'running', createdAt: T0 }, [
      newStep('', 'b', { status: 'ready', dueAt: T0 - 50 }),
      newStep('', 'c', { status: 'retrying', dueAt: T0 - 40 }),
    ]);
    const ended = (runId: string, durationMs: number): NewRunEvent => ({
      runId,
      type: 'step.succeeded',
      stepKey: 'a',
      data: { attempt: 1, nodeType: 'transform', durationMs },
      at: T0 + 1,
    });
    const theirs = (await h.store.listRuns({ workspaceId: 'default' }))[0]?.id as string;
    await h.store.atomically((tx) => tx.appendEvents([ended(ours.id, 7), ended(theirs, 900)]));
    const mine = await h.store.runStats(T0, 'ws-acme');
    expect(mine).toEqual({
      runs: { running: 1 },
      queue: { ready: 1, retrying: 0, waiting: 0, running: 0 },
      oldestDueAt: T0 - 5,
    });
    expect((await h.store.runStats(T0)).runs).toEqual({ running: 2 });
    const window = { from: T0, to: T0 + 60_000, bucketMs: 60_000, nodeTypes: 5 };
    const activity = await h.store.runActivity({ ...window, workspaceId: 'ws-acme' });
    expect(activity.buckets).toEqual([{ at: T0, started: 1, succeeded: 0, failed: 0, cancelled: 0 }]);
    expect(activity.steps).toEqual({ count: 1, p50Ms: 7, p95Ms: 7, maxMs: 7 });
    expect((await h.store.runActivity(window)).steps.count).toBe(2);
  });

  it('lists and revokes invitations of one workspace only', async () => {
    const invitation = {
      id: 'i-1',
      workspaceId: 'ws-acme',
      email: 'linus@example.com',
      role: 'viewer' as const,
      tokenHash: 'd'.repeat(64),
      invitedBy: null,
      createdAt: T0,
      expiresAt: T0 + 1000,
      acceptedAt: null,
      revokedAt: null,
    };
    await h.store.createInvitation(invitation);
    expect(await h.store.listInvitations('default')).toEqual([]);
    expect(await h.store.listInvitations('ws-acme')).toEqual([invitation]);
    expect(await h.store.revokeInvitation('default', 'i-1', T0 + 1)).toBe(false);
    expect(await h.store.revokeInvitation('ws-acme', 'i-1', T0 + 1)).toBe(true);
  });
}
