/**
 * Every /api route declares the permission it needs next to its handler (`config.permission`);
 * a route that declares none refuses to register, so an unguarded route cannot ship. Roles map to
 * permissions as DESIGN §7 describes; the security issue adds workspaces, but the declaration and
 * this check are already the gate every request passes.
 */
import { AtomError } from '@atom/errors';
import type { UserRole } from '@atom/store';

export const PERMISSIONS = [
  'account.self',
  'workflows.read',
  'workflows.write',
  'runs.read',
  'runs.start',
  'runs.cancel',
  'runs.replay',
  'approvals.decide',
  'events.raise',
  'deliveries.read',
  'deliveries.replay',
  'secrets.read',
  'secrets.write',
  'variables.write',
  'audit.read',
  'settings.write',
  'members.read',
  'members.manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** What a route says about access: a permission, or `public` for health, metrics, docs and hooks. */
export type Access = { permission: Permission } | { public: true };

const READ: Permission[] = ['account.self', 'workflows.read', 'runs.read', 'deliveries.read', 'members.read'];
const OPERATE: Permission[] = [
  ...READ,
  'runs.start',
  'runs.cancel',
  'runs.replay',
  'approvals.decide',
  'events.raise',
  'deliveries.replay',
];

export const ROLE_PERMISSIONS: Record<UserRole, ReadonlySet<Permission>> = {
  owner: new Set(PERMISSIONS),
  admin: new Set(PERMISSIONS),
  editor: new Set([...OPERATE, 'workflows.write', 'secrets.read', 'variables.write']),
  operator: new Set(OPERATE),
  viewer: new Set(READ),
};

export function roleAllows(role: UserRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** Roles from the strongest down; each grants at least what every later one does. */
export const ROLES: readonly UserRole[] = ['owner', 'admin', 'editor', 'operator', 'viewer'];

/** True when `role` grants everything `other` does (same role, or a stronger one). */
export function roleCovers(role: UserRole, other: UserRole): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(other);
}

/** The weaker of two roles: what a token narrowed to `narrowed` gives a user whose role is `role`. */
export function weakerRole(role: UserRole, narrowed: UserRole | null): UserRole {
  return narrowed !== null && roleCovers(role, narrowed) ? narrowed : role;
}

/** The access a route declared, or an error naming the route when it declared none. */
export function accessOf(route: { method: unknown; url?: string; config?: unknown }): Access {
  const config = (route.config ?? {}) as Partial<{ permission: Permission; public: boolean }>;
  if (config.public === true) return { public: true };
  if (config.permission && (PERMISSIONS as readonly string[]).includes(config.permission)) {
    return { permission: config.permission };
  }
  throw new AtomError(
    'ATOM_ERR_INTERNAL',
    `route ${String(route.method)} ${String(route.url)} declares no permission (config.permission or config.public)`,
  );
}

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
    public?: boolean;
  }
}
