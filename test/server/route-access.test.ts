/**
 * Every route the running server has, called with every role and with no credentials: a role the
 * route's permission allows is never refused (not 401, not 403), any other role gets 403
 * ATOM_ERR_FORBIDDEN, and no credentials get 401 ATOM_ERR_AUTH_REQUIRED; a token sent with another
 * workspace's name (`Atom-Workspace`) gets 403 ATOM_ERR_WORKSPACE_FORBIDDEN. Bodies are deliberately
 * invalid and ids unknown, so an allowed call stops at validation or 404 and changes nothing.
 *
 * WHO_MAY is the access policy of DESIGN §7 written out on its own, not read from the code: a new
 * permission fails here until someone decides who holds it, and a route that declares none never
 * starts (apps/server/src/app/create-app.test.ts).
 */
import type { Permission, RouteAccess } from '@atom/server';
import { PERMISSIONS, ROLES } from '@atom/server';
import type { UserRole } from '@atom/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, startServer } from '../support/server-harness.js';

/** The weakest role that holds each permission (every stronger role holds it too). */
const WHO_MAY: Record<Permission, UserRole> = {
  'account.self': 'viewer',
  'workflows.read': 'viewer',
  'runs.read': 'viewer',
  'deliveries.read': 'viewer',
  'members.read': 'viewer',
  'runs.start': 'operator',
  'runs.cancel': 'operator',
  'runs.replay': 'operator',
  'approvals.decide': 'operator',
  'events.raise': 'operator',
  'deliveries.replay': 'operator',
  'workflows.write': 'editor',
  'secrets.read': 'editor',
  'variables.write': 'editor',
  'secrets.write': 'admin',
  'audit.read': 'admin',
  'settings.write': 'admin',
  'members.manage': 'admin',
};

const mayCall = (role: UserRole, permission: Permission) => ROLES.indexOf(role) <= ROLES.indexOf(WHO_MAY[permission]);
const pathOf = (url: string) => url.replace(/:[A-Za-z]+/g, 'unknown-id').replace('*', 'unknown');
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('route access', () => {
  let h: ServerHarness;
  let routes: RouteAccess[];

  beforeAll(async () => {
    h = await startServer({ worker: false, scheduler: false });
    routes = h.server.app.routeAccess.filter((r) => r.method !== 'HEAD');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('knows who may use every permission', () => {
    expect(Object.keys(WHO_MAY).sort()).toEqual([...PERMISSIONS].sort());
  });

  it('finds the API routes on the running server', () => {
    expect(routes.length).toBeGreaterThan(50);
    expect(routes).toContainEqual({
      method: 'PATCH',
      url: '/api/v1/members/:id',
      access: { permission: 'members.manage' },
    });
    expect(routes).toContainEqual({
      method: 'POST',
      url: '/api/v1/workspaces',
      access: { permission: 'account.self' },
    });
    expect(routes).toContainEqual({
      method: 'PATCH',
      url: '/api/v1/workspace',
      access: { permission: 'settings.write' },
    });
  });

  it('lets every allowed role through and refuses every other, on every route', async () => {
    const wrong: string[] = [];
    let calls = 0;
    for (const route of routes) {
      if ('public' in route.access) continue;
      const { permission } = route.access;
      for (const role of [...ROLES, null]) {
        const response = await h.api(pathOf(route.url), {
          method: route.method,
          token: role === null ? null : h.tokens[role],
          ...(BODY_METHODS.has(route.method) ? { body: { 'not-a-field': true } } : {}),
        });
        calls++;
        const expected = role === null ? 401 : mayCall(role, permission) ? 'allowed' : 403;
        const got = response.status;
        const ok =
          expected === 'allowed'
            ? got !== 401 && got !== 403
            : got === expected &&
              response.json?.code === (expected === 401 ? 'ATOM_ERR_AUTH_REQUIRED' : 'ATOM_ERR_FORBIDDEN');
        if (!ok) wrong.push(`${route.method} ${route.url} as ${role ?? 'nobody'}: ${got} ${response.json?.code ?? ''}`);
      }
      // A token acts in its own workspace only: naming another one is refused before the route runs.
      const elsewhere = await h.api(pathOf(route.url), {
        method: route.method,
        token: h.tokens.owner,
        headers: { 'atom-workspace': 'elsewhere' },
        ...(BODY_METHODS.has(route.method) ? { body: { 'not-a-field': true } } : {}),
      });
      calls++;
      if (elsewhere.status !== 403 || elsewhere.json?.code !== 'ATOM_ERR_WORKSPACE_FORBIDDEN') {
        wrong.push(
          `${route.method} ${route.url} in another workspace: ${elsewhere.status} ${elsewhere.json?.code ?? ''}`,
        );
      }
    }
    expect(wrong).toEqual([]);
    expect(calls).toBeGreaterThan(250);
    // Nothing was written by any of those calls.
    expect(await h.store.listWorkflows({ workspaceId: 'default', limit: 10 })).toEqual([]);
    expect((await h.store.listUsers('default')).length).toBe(ROLES.length);
    expect((await h.store.listWorkspaces()).map((w) => w.slug)).toEqual(['default']);
  });
});
