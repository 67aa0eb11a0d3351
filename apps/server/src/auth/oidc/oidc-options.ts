/**
 * Configuration of single sign-on with an OpenID Connect provider (authorization code + PKCE).
 * `atom start` fills it from the ATOM_OIDC_* variables; SSO is off when it is absent.
 */
import type { UserRole } from '@atom/store';

export interface OidcOptions {
  /** The provider's issuer URL; its `/.well-known/openid-configuration` is read at the first login. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends the browser back: this server's `/api/v1/auth/oidc/callback`, as the browser sees it. */
  redirectUrl: string;
  /** Scopes asked for; default `openid email profile` (some providers need `groups` too). */
  scopes?: readonly string[];
  /** The claim (ID token or userinfo) listing the user's groups; a dotted path reaches into objects. Default `groups`. */
  groupsClaim?: string;
  /** Group → role. A user in several mapped groups gets the strongest role. */
  roleMap?: Readonly<Record<string, UserRole>>;
  /** The role of a user in no mapped group; `none` refuses them. Default `viewer`. */
  defaultRole?: UserRole | 'none';
  /** How long a started login may take at the provider; default 10 minutes. */
  loginTtlMs?: number;
}
