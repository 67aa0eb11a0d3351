/**
 * Follows the store's event feed from a cursor: `wake()` after something committed reads every
 * new event, in feed order, once. One read at a time; a wake during a read reads again after it,
 * and a wake while `start` takes its cursor reads once it has it (no wake is lost: on a freshly
 * started server, the run's last events may be the only ones that ever come).
 * When the store says newer events are not final yet (`pending`: an older transaction still runs
 * on the PostgreSQL server), it reads again shortly by itself, backing off, until they are.
 *
 * In: the store and what to do with each page. Out: the cursor up to which events were delivered.
 */
import type { FeedEvent, StorePort } from '@atom/engine';

const PAGE = 1_000;
const PENDING_RETRY_MS = [2, 5, 10, 20, 50, 100];

export interface FeedTailOptions {
  store: Pick<StorePort, 'readEventFeed' | 'eventFeedCursor'>;
  /** Called with each non-empty page, in order; `cursor` is already past it. */
  deliver(events: readonly FeedEvent[]): void;
  onError(error: unknown): void;
}

export class FeedTail {
  readonly #options: FeedTailOptions;
  #cursor: string | null = null;
  #starting: Promise<string> | null = null;
  #reading = false;
  #again = false;
  #stopped = false;
  #retries = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: FeedTailOptions) {
    this.#options = options;
  }

  /** Where delivered events end (null before `start`): everything before it was delivered. */
  get cursor(): string | null {
    return this.#cursor;
  }

  /** Takes the feed's end as the cursor (once): events that commit from now on are delivered. */
  async start(): Promise<string> {
    this.#stopped = false;
    if (this.#cursor !== null) return this.#cursor;
    this.#starting ??= this.#options.store.eventFeedCursor().then(
      (cursor) => {
        this.#stopped = false;
        this.#cursor ??= cursor;
        this.#starting = null;
        // A commit woke us after the end was read but before the cursor was set: read it now.
        if (this.#again) this.wake();
        return this.#cursor;
      },
      (error: unknown) => {
        this.#starting = null;
        throw error;
      },
    );
    return this.#starting;
  }

  /** Forgets the cursor: a later `start` begins at the feed's end again. */
  stop(): void {
    this.#stopped = true;
    this.#cursor = null;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Something committed: read on (now, or right after the read in progress). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#cursor === null) {
      // Starting: the end may have been read before this commit; `start` reads once it has it.
      if (this.#starting) this.#again = true;
      return;
    }
    if (this.#reading) {
      this.#again = true;
      return;
    }
    void this.#read();
  }

  async #read(): Promise<void> {
    this.#reading = true;
    let pending = false;
    try {
      read: do {
        this.#again = false;
        for (;;) {
          const from = this.#cursor;
          if (from === null || this.#stopped) break read;
          const page = await this.#options.store.readEventFeed({ from, limit: PAGE });
          if (this.#cursor !== from) break read; // Stopped (and maybe restarted) meanwhile.
          this.#cursor = page.next;
          pending = page.pending;
          if (page.events.length > 0) this.#options.deliver(page.events);
          if (page.events.length < PAGE) break;
        }
      } while (this.#again && !this.#stopped);
    } catch (error) {
      this.#options.onError(error);
    } finally {
      this.#reading = false;
    }
    // A read made stale by a stop and restart returned early: a wake it swallowed still counts.
    if (this.#again && !this.#stopped && this.#cursor !== null) {
      void this.#read();
      return;
    }
    if (pending && !this.#stopped) this.#retrySoon();
    else this.#retries = 0;
  }

  #retrySoon(): void {
    if (this.#timer) return;
    const delay = PENDING_RETRY_MS[Math.min(this.#retries, PENDING_RETRY_MS.length - 1)] as number;
    this.#retries++;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.wake();
    }, delay);
    this.#timer.unref();
  }
}
