/** Single sign-on with an OpenID Connect provider; see README.md. */
export type { OidcOptions } from './oidc-options.js';
export { oidcRoutes } from './oidc-routes.js';
export { parseRoleMap, ROLE_STRENGTH } from './role-mapping.js';
