import { AtomError } from '@atom/errors';
import { describe, expect, it } from 'vitest';
import { accessOf, PERMISSIONS, ROLES, roleAllows, roleCovers, weakerRole } from './permissions.js';

describe('route access', () => {
  it('reads the declared permission or public flag', () => {
    expect(accessOf({ method: 'GET', url: '/api/v1/x', config: { permission: 'runs.read' } })).toEqual({
      permission: 'runs.read',
    });
    expect(accessOf({ method: 'GET', url: '/health/live', config: { public: true } })).toEqual({ public: true });
  });

  it('refuses a route that declares nothing, or an unknown permission, naming it', () => {
    expect(() => accessOf({ method: 'POST', url: '/api/v1/new-thing', config: {} })).toThrow(AtomError);
    expect(() => accessOf({ method: 'POST', url: '/api/v1/new-thing', config: {} })).toThrow(
      /POST \/api\/v1\/new-thing/,
    );
    expect(() => accessOf({ method: 'GET', url: '/api/v1/y', config: { permission: 'everything' } })).toThrow(
      AtomError,
    );
  });

  it('grants owners everything and viewers only reading', () => {
    for (const permission of PERMISSIONS) expect(roleAllows('owner', permission)).toBe(true);
    const viewer = PERMISSIONS.filter((permission) => roleAllows('viewer', permission));
    expect(viewer).toEqual(['account.self', 'workflows.read', 'runs.read', 'deliveries.read', 'members.read']);
    expect(roleAllows('operator', 'workflows.write')).toBe(false);
    expect(roleAllows('editor', 'workflows.write')).toBe(true);
  });

  it('orders roles so that each stronger one grants all a weaker one does', () => {
    for (const [i, role] of ROLES.entries()) {
      for (const weaker of ROLES.slice(i)) {
        expect(roleCovers(role, weaker)).toBe(true);
        for (const permission of PERMISSIONS) {
          if (roleAllows(weaker, permission)) expect(roleAllows(role, permission)).toBe(true);
        }
      }
    }
    expect(roleCovers('admin', 'owner')).toBe(false);
  });

  it('gives a narrowed token the weaker role, never a stronger one', () => {
    expect(weakerRole('editor', 'viewer')).toBe('viewer');
    expect(weakerRole('editor', 'owner')).toBe('editor');
    expect(weakerRole('operator', null)).toBe('operator');
  });
});
