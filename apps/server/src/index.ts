/**
 * @atom/server: Atom's HTTP server — the API of DESIGN §5, webhooks, schedules, health and metrics.
 * Programs (the `atom` CLI) build one with `createServer` around an engine and its store.
 */

export type { RouteAccess } from './app/create-app.js';
export { type Access, PERMISSIONS, type Permission, ROLES } from './app/permissions.js';
export {
  type AuditEntry,
  AuditLog,
  NO_SOURCE,
  SYSTEM_ACTOR,
  verifyChain,
} from './audit/index.js';
export { generateApiToken, hashApiToken, issueApiToken, type TokenRequest } from './auth/api-tokens.js';
export { WORKSPACE_HEADER } from './auth/auth-hook.js';
export { type OidcOptions, parseRoleMap } from './auth/oidc/index.js';
export { hashPassword, verifyPassword } from './auth/passwords.js';
export {
  type CacheLog,
  createRedisStepCache,
  type OpenedStepCache,
  openStepCache,
  type RedisStepCache,
  type RedisStepCacheOptions,
} from './cache/index.js';
export { type AtomServer, createServer, type ServerOptions } from './create-server.js';
export { type EventBus, localEventBus, redisEventBus } from './events/event-bus.js';
export { type EventBusChoice, openEventBus } from './events/open-event-bus.js';
export {
  POSTGRES_EVENTS_CHANNEL,
  type PostgresEventBusOptions,
  postgresEventBus,
} from './events/postgres-event-bus.js';
export type { RateLimiter } from './limits/index.js';
export { type OpenedLimiter, openLimiter } from './limits/open-limiter.js';
export { createLogger, type LoggerOptions } from './logging/logger.js';
export { type PruneOptions, type PruneReport, pruneRuns } from './retention/run-pruner.js';
export {
  createKeyring,
  DEFAULT_WORKSPACE,
  generateKey,
  type Keyring,
  loadKeyring,
  rotateSecrets,
  WorkspaceSecrets,
  type WorkspaceSecretsOptions,
} from './secrets/index.js';
export { type DashboardQuery, type DashboardStats, dashboardStats } from './stats/dashboard-stats.js';
export { STUDIO_CSP, type StudioOptions } from './studio/studio-routes.js';
export { WORKSPACE_SLUG_PATTERN } from './workspaces/workspace-routes.js';
