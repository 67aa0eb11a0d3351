/**
 * Back-off on failed logins, per account and per source address: the first few failures cost
 * nothing, then each further one doubles the wait (1 s, 2 s, 4 s … capped at 15 minutes) before
 * the next attempt is even checked. A success clears the account's count. Counts are kept in this
 * process (bounded, idle entries dropped), so several API processes each apply their own back-off.
 */
const FREE_FAILURES = 5;
const MAX_WAIT_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;
const MAX_ENTRIES = 50_000;

interface Entry {
  failures: number;
  blockedUntil: number;
  lastAt: number;
}

export class LoginThrottle {
  readonly #entries = new Map<string, Entry>();

  /** Milliseconds to wait before `keys` may try again; 0 when allowed now. */
  waitMs(keys: readonly string[], now: number): number {
    let wait = 0;
    for (const key of keys) {
      const entry = this.#entries.get(key);
      if (entry) wait = Math.max(wait, entry.blockedUntil - now);
    }
    return Math.max(0, wait);
  }

  failed(keys: readonly string[], now: number): void {
    for (const key of keys) {
      const entry = this.#entries.get(key) ?? { failures: 0, blockedUntil: 0, lastAt: now };
      if (now - entry.lastAt > FORGET_AFTER_MS) entry.failures = 0;
      entry.failures++;
      entry.lastAt = now;
      const over = entry.failures - FREE_FAILURES;
      entry.blockedUntil = over > 0 ? now + Math.min(MAX_WAIT_MS, 1000 * 2 ** (over - 1)) : 0;
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    while (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  succeeded(key: string): void {
    this.#entries.delete(key);
  }
}
