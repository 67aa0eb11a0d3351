import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './oidc-routes.js';
import { groupsOf, parseRoleMap, roleFor } from './role-mapping.js';

describe('OIDC role mapping', () => {
  const map = parseRoleMap('atom-admins=admin, atom-editors=editor,,cn=ops=operator');

  it('parses group=role pairs (a group may contain "=") and refuses unknown roles', () => {
    expect(map).toEqual({ 'atom-admins': 'admin', 'atom-editors': 'editor', 'cn=ops': 'operator' });
    expect(() => parseRoleMap('atom-admins=superuser')).toThrow(/superuser/);
    expect(() => parseRoleMap('atom-admins')).toThrow(/group=role/);
  });

  it('gives the strongest mapped role, else the default, else nothing', () => {
    expect(roleFor(['atom-editors', 'staff', 'atom-admins'], map, 'viewer')).toBe('admin');
    expect(roleFor(['staff'], map, 'viewer')).toBe('viewer');
    expect(roleFor(['staff'], map, 'none')).toBeNull();
    expect(roleFor(['toString', '__proto__'], map, 'none')).toBeNull();
  });

  it('reads the groups claim as a list, one string, or along a dotted path', () => {
    expect(groupsOf({ groups: ['a', 1, 'b'] }, 'groups')).toEqual(['a', 'b']);
    expect(groupsOf({ groups: 'a' }, 'groups')).toEqual(['a']);
    expect(groupsOf({ realm_access: { roles: ['x'] } }, 'realm_access.roles')).toEqual(['x']);
    expect(groupsOf({}, 'groups')).toEqual([]);
  });

  it('keeps a returnTo only when it is a path of this origin', () => {
    expect(safeReturnTo('/runs?status=failed#top')).toBe('/runs?status=failed#top');
    for (const bad of [
      undefined,
      '',
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      '/a\nb',
      '/.//evil.example',
      '/./\\evil.example',
    ]) {
      expect(safeReturnTo(bad)).toBe('/');
    }
  });
});
