/**
 * Logins started at the provider and not yet back: the state, nonce and PKCE verifier of each,
 * under a random id that only the browser's httpOnly cookie carries. Each is taken once (a
 * replayed callback finds nothing) and dies after its time to live.
 *
 * Kept in this process's memory (no store change yet): a restart forgets logins in flight, and
 * with several API processes the callback must reach the process that started the login (sticky
 * sessions), like the failed-login back-off of ADR 0005.
 */
import { randomBytes } from 'node:crypto';

export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** A same-origin path to land on after the login. */
  returnTo: string;
  expiresAt: number;
}

/** More logins in flight than this evicts the oldest (a flood of /login cannot grow memory without bound). */
const MAX_PENDING = 10_000;

export class PendingLogins {
  readonly #byId = new Map<string, PendingLogin>();

  /** Keeps the login; returns the id to put in the cookie. */
  add(login: PendingLogin, now: number): string {
    for (const [id, pending] of this.#byId) {
      if (pending.expiresAt > now && this.#byId.size < MAX_PENDING) break;
      this.#byId.delete(id);
    }
    const id = randomBytes(24).toString('base64url');
    this.#byId.set(id, login);
    return id;
  }

  /** The login under this id, removed; undefined when unknown, taken already, or expired. */
  take(id: string | undefined, now: number): PendingLogin | undefined {
    if (!id) return undefined;
    const login = this.#byId.get(id);
    this.#byId.delete(id);
    return login && login.expiresAt > now ? login : undefined;
  }
}
