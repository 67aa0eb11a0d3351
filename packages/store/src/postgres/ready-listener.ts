/**
 * The wake-up of idle workers on PostgreSQL. Sending: after a unit that made steps claimable has
 * committed (ready-tracking.ts), `notify()` sends one `pg_notify('atom_steps_ready', <schema>)` per
 * event-loop turn, through the given single-statement function. Listening: one dedicated connection
 * LISTENs and calls the store's listeners for notices of its own schema. It opens with the first
 * listener and closes with the last; when it breaks (a PostgreSQL restart), it reconnects with
 * back-off and wakes everyone once connected again, since notices sent meanwhile are lost.
 *
 * In: the connection string, schema and a way to send a statement. Out: `notify()`,
 * `subscribe(listener) → unsubscribe`.
 */
import pg from 'pg';

export const STEPS_READY_CHANNEL = 'atom_steps_ready';
const RECONNECT_MS = [100, 500, 1_000, 2_000, 5_000];

export interface ReadyListener {
  /** Tells every listening process, soon, that steps may be claimable. */
  notify(): void;
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}

export function readyListener(
  connectionString: string,
  schema: string,
  send: (payload: string) => Promise<unknown>,
): ReadyListener {
  let notifying = false;
  const listeners = new Set<() => void>();
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  let failures = 0;
  let active = false;

  const wakeAll = () => {
    for (const listener of listeners) listener();
  };
  const reconnect = () => {
    if (retry || !active) return;
    const delay = RECONNECT_MS[Math.min(failures, RECONNECT_MS.length - 1)] as number;
    failures++;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, delay);
    retry.unref();
  };
  const connect = async (): Promise<void> => {
    if (!active) return;
    const next = new pg.Client({ connectionString, application_name: 'atom-worker-wake' });
    const drop = () => {
      if (client === next) client = null;
      next.end().catch(() => {});
      reconnect();
    };
    next.on('error', drop);
    next.on('end', () => {
      if (client === next) drop();
    });
    next.on('notification', (message) => {
      if (message.channel === STEPS_READY_CHANNEL && message.payload === schema) wakeAll();
    });
    try {
      await next.connect();
      await next.query(`listen ${STEPS_READY_CHANNEL}`);
    } catch {
      drop();
      return;
    }
    if (!active) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    failures = 0;
    // Whatever became ready while nobody listened.
    wakeAll();
  };
  const stop = async () => {
    active = false;
    if (retry) clearTimeout(retry);
    retry = null;
    const last = client;
    client = null;
    await last?.end().catch(() => {});
  };

  return {
    notify() {
      if (notifying) return;
      notifying = true;
      setImmediate(() => {
        notifying = false;
        // A lost notice only delays: listeners also wake by their safety poll.
        send(schema).catch(() => {});
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!active) {
        active = true;
        void connect();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) void stop();
      };
    },
    close: stop,
  };
}
