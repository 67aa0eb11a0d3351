/**
 * The live stream (GET /api/v1/stream, docs/api.md) for one subscription: reconnects with
 * exponential back-off and jitter (0.5 s doubling to 10 s, so a page finds a restarted server within
 * 10 s; at once after a slow-consumer close),
 * and resumes after the last event received (`after`), so no event is missed or repeated (a run
 * subscription also drops an event whose id is not past the cursor). An error on the subscription
 * that a new connection would not get again (the server starting or stopping) reconnects the same
 * way; one it would (no such run) closes the stream. Events are handed over in batches, at most
 * one per animation frame. A connection that has been silent for three heartbeats is taken for
 * dead and replaced. When the server cannot resume (`reset`: retention deleted events after the
 * cursor), the page is told through `onReset` and reloads what it shows; live events go on.
 */
import { currentWorkspace } from './client';
import type { RunEvent } from './types';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export type Subscription = { run: string } | { workflow: string } | { workspace: true };

export interface StreamOptions {
  subscription: Subscription;
  /** Resume after this event id (the last one the page already has). */
  after?: number;
  onEvents(events: RunEvent[]): void;
  onState?(state: StreamState, detail?: string): void;
  /**
   * The server could not resume after the cursor (ATOM_ERR_STREAM_RESUME_GONE): events that came
   * after it are gone, so what the page built from them may be stale. Reload it; live events follow.
   */
  onReset?(): void;
}

const HEARTBEAT_SILENCE_MS = 45_000;
const OPEN_TIMEOUT_MS = 10_000;
/** Errors a new connection would get again (the subscription itself is wrong); any other is retried. */
const FINAL_ERRORS = new Set(['ATOM_ERR_RUN_NOT_FOUND', 'ATOM_ERR_WORKFLOW_NOT_FOUND', 'ATOM_ERR_STREAM_BAD_MESSAGE']);
const MAX_BACKOFF_MS = 10_000;

export function openStream(options: StreamOptions): () => void {
  let last = options.after;
  const ordered = 'run' in options.subscription;
  let socket: WebSocket | null = null;
  let failures = 0;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let pending: RunEvent[] = [];
  let frame: number | null = null;

  const flush = () => {
    frame = null;
    const batch = pending;
    pending = [];
    if (batch.length > 0 && !stopped) options.onEvents(batch);
  };
  const watch = (ms = HEARTBEAT_SILENCE_MS) => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => socket?.close(4000, 'silent'), ms);
  };

  const connect = () => {
    if (stopped) return;
    options.onState?.(failures === 0 ? 'connecting' : 'reconnecting');
    // A WebSocket carries no custom header: the workspace goes in the query (docs/api.md, Live stream).
    const slug = currentWorkspace();
    const query = slug ? `?workspace=${encodeURIComponent(slug)}` : '';
    const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api/v1/stream${query}`;
    const ws = new WebSocket(url);
    socket = ws;
    // A server that took the connection but never answers the upgrade (still starting) is left too.
    watch(OPEN_TIMEOUT_MS);
    ws.onopen = () => {
      watch();
      ws.send(
        JSON.stringify({
          type: 'subscribe',
          id: 's',
          ...options.subscription,
          ...(last === undefined ? {} : { after: last }),
        }),
      );
    };
    ws.onmessage = (message) => {
      watch();
      const data = JSON.parse(String(message.data)) as {
        type: string;
        event?: RunEvent;
        code?: string;
        message?: string;
      };
      if (data.type === 'subscribed') {
        failures = 0;
        options.onState?.('live');
      } else if (data.type === 'event' && data.event) {
        // One run's ids only grow: an id at or below the cursor was had already.
        if (ordered && last !== undefined && data.event.id <= last) return;
        last = data.event.id;
        pending.push(data.event);
        frame ??= requestAnimationFrame(flush);
      } else if (data.type === 'reset') {
        // Hand over what came before the reset first, so the reload is the latest word.
        if (frame !== null) cancelAnimationFrame(frame);
        flush();
        options.onReset?.();
      } else if (data.type === 'error') {
        if (data.code !== undefined && FINAL_ERRORS.has(data.code)) {
          // Asking again would get the same answer: say so and stop.
          stopped = true;
          ws.close(1000, 'refused');
          options.onState?.('closed', `${data.code}: ${data.message}`);
        } else {
          // The server could not serve the subscription now (it may be starting or stopping): a new
          // connection after the back-off resumes from the cursor.
          ws.close(4000, 'retry');
        }
      }
    };
    ws.onclose = (event) => {
      clearTimeout(watchdog);
      if (stopped) return;
      failures++;
      const delay =
        event.code === 4008
          ? 0
          : Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(failures - 1, 6)) * (0.75 + Math.random() / 2);
      options.onState?.('reconnecting', `reconnecting in ${Math.round(delay / 100) / 10} s`);
      retry = setTimeout(connect, delay);
    };
  };
  connect();

  return () => {
    stopped = true;
    clearTimeout(retry);
    clearTimeout(watchdog);
    if (frame !== null) cancelAnimationFrame(frame);
    socket?.close(1000, 'page closed');
    options.onState?.('closed');
  };
}
