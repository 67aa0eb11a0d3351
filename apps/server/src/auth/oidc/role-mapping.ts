/**
 * From the provider's claims to an Atom role: the groups claim is read (an array of strings, or
 * one string), each group is looked up in the role map, and the strongest mapped role wins;
 * without a mapped group the default role applies (`none`: the login is refused).
 */
import type { UserRole } from '@atom/store';

/** Strongest first. */
export const ROLE_STRENGTH: readonly UserRole[] = ['owner', 'admin', 'editor', 'operator', 'viewer'];

const isRole = (value: string): value is UserRole => (ROLE_STRENGTH as readonly string[]).includes(value);

/**
 * Parses `group=role,group=role` (the form of ATOM_OIDC_ROLE_MAP). Throws an Error saying what is
 * wrong; the caller names the variable.
 *
 * @example
 * parseRoleMap('atom-admins=admin, atom-editors=editor'); // { 'atom-admins': 'admin', 'atom-editors': 'editor' }
 */
export function parseRoleMap(text: string): Record<string, UserRole> {
  const map: Record<string, UserRole> = {};
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    const at = entry.lastIndexOf('=');
    const group = entry.slice(0, at).trim();
    const role = entry.slice(at + 1).trim();
    if (at < 0 || group === '') throw new Error(`"${entry.trim()}" is not group=role`);
    if (!isRole(role)) throw new Error(`"${role}" is not a role; expected one of ${ROLE_STRENGTH.join(', ')}`);
    map[group] = role;
  }
  return map;
}

/** The groups in `claims[claim]` (or along a dotted path such as `realm_access.roles`). */
export function groupsOf(claims: Record<string, unknown>, claim: string): string[] {
  let value: unknown = claims[claim];
  if (value === undefined && claim.includes('.')) {
    value = claim
      .split('.')
      .reduce<unknown>(
        (at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined),
        claims,
      );
  }
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((group): group is string => typeof group === 'string');
  return [];
}

/** The strongest role any of the groups maps to, else the default (null: refuse). */
export function roleFor(
  groups: readonly string[],
  roleMap: Readonly<Record<string, UserRole>>,
  defaultRole: UserRole | 'none',
): UserRole | null {
  const mapped = groups.flatMap((group) => (Object.hasOwn(roleMap, group) ? [roleMap[group] as UserRole] : []));
  const strongest = ROLE_STRENGTH.find((role) => mapped.includes(role));
  if (strongest) return strongest;
  return defaultRole === 'none' ? null : defaultRole;
}
