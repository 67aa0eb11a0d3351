/**
 * One client of `GET /api/v1/stream`: its subscriptions, heartbeats, and the guard on its memory.
 *
 * Bounded memory: what waits for a client is the socket's unsent bytes (`bufferedAmount`) plus,
 * while a subscription replays, the live events held behind the replay. When either would pass
 * `maxBufferedBytes`, the client is not keeping up: the server closes with 4008
 * `ATOM_ERR_STREAM_SLOW_CONSUMER`, and the client reconnects and resumes from its last event id.
 * Replay itself is paced: a page goes out only once the socket drained below half the cap.
 */
import { AtomError } from '@atom/errors';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { StreamHub, StreamTarget } from './stream-hub.js';
import { type ClientMessage, parseClientMessage, type SubscribeTarget } from './stream-messages.js';

export const SLOW_CONSUMER_CLOSE = 4008;
const SLOW_CONSUMER_REASON = 'ATOM_ERR_STREAM_SLOW_CONSUMER';
/** A client that took the close frame but never answered it is cut off after this. */
const CLOSE_GRACE_MS = 5_000;
const DRAIN_POLL_MS = 5;

export interface StreamLimits {
  /** Heartbeat period; default 15 s. */
  heartbeatMs: number;
  /** Bytes that may wait for one client before it counts as too slow; default 4 MiB. */
  maxBufferedBytes: number;
  /** Open subscriptions per connection; default 100. */
  maxSubscriptions: number;
  /** How long a replay waits for the client to drain before it counts as too slow; default 30 s. */
  drainTimeoutMs: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  heartbeatMs: 15_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxSubscriptions: 100,
  drainTimeoutMs: 30_000,
};

export interface StreamConnectionDeps {
  hub: StreamHub;
  /** Resolves what a subscribe names (throws ATOM_ERR_RUN_NOT_FOUND / ATOM_ERR_WORKFLOW_NOT_FOUND). */
  resolve(target: SubscribeTarget): Promise<StreamTarget>;
  /** The connection's workspace: where a resumed subscription checks what retention deleted. */
  workspaceId: string;
  limits: StreamLimits;
  logger: Logger;
  now(): number;
}

const RESET_MESSAGE =
  'events after this id cannot all be sent (the event, or later ones of this workspace, were deleted by retention): reload the state; live events follow';

export class StreamConnection {
  readonly #socket: WebSocket;
  readonly #deps: StreamConnectionDeps;
  readonly #subs = new Map<string, () => void>();
  readonly #heartbeat: NodeJS.Timeout;
  #closed = false;

  constructor(socket: WebSocket, deps: StreamConnectionDeps) {
    this.#socket = socket;
    this.#deps = deps;
    this.#heartbeat = setInterval(() => this.#send(`{"type":"heartbeat","at":${deps.now()}}`), deps.limits.heartbeatMs);
    this.#heartbeat.unref();
    socket.on('message', (data, isBinary) => {
      if (isBinary) return this.#error('ATOM_ERR_STREAM_BAD_MESSAGE', 'send text frames of JSON, not binary ones');
      void this.#onMessage(String(data));
    });
    socket.on('close', () => this.#end());
    socket.on('error', () => this.#end());
  }

  async #onMessage(raw: string): Promise<void> {
    let message: ClientMessage;
    try {
      message = parseClientMessage(raw);
    } catch (error) {
      return this.#fail(error, (error as { subscriptionId?: string }).subscriptionId);
    }
    if (message.type === 'ping') return this.#send('{"type":"pong"}');
    if (message.type === 'unsubscribe') {
      const end = this.#subs.get(message.id);
      if (!end) return this.#error('ATOM_ERR_STREAM_BAD_MESSAGE', `id: no subscription "${message.id}"`, message.id);
      end();
      this.#subs.delete(message.id);
      return this.#send(JSON.stringify({ type: 'unsubscribed', id: message.id }));
    }
    const { id } = message;
    if (this.#subs.has(id)) {
      return this.#error('ATOM_ERR_STREAM_BAD_MESSAGE', `id: subscription "${id}" is open already`, id);
    }
    if (this.#subs.size >= this.#deps.limits.maxSubscriptions) {
      return this.#error(
        'ATOM_ERR_STREAM_BAD_MESSAGE',
        `at most ${this.#deps.limits.maxSubscriptions} subscriptions per connection`,
        id,
      );
    }
    // Taken at once, so a second subscribe with this id is refused while the first resolves.
    let ended = false;
    this.#subs.set(id, () => {
      ended = true;
    });
    let target: StreamTarget;
    try {
      target = await this.#deps.resolve(message.target);
    } catch (error) {
      this.#subs.delete(id);
      return this.#fail(error, id);
    }
    if (ended || this.#closed) return;
    this.#send(JSON.stringify({ type: 'subscribed', id }));
    const prefix = `{"type":"event","sub":${JSON.stringify(id)},"event":`;
    const { after } = message;
    const resume = after === undefined ? undefined : { after, workspaceId: this.#deps.workspaceId };
    const handle = this.#deps.hub.subscribe(target, resume, {
      send: (eventJson) => this.#send(`${prefix}${eventJson}}`),
      ready: () => this.#drained(),
      overflow: () => this.#slow(),
      reset: () =>
        this.#send(
          JSON.stringify({ type: 'reset', id, after, code: 'ATOM_ERR_STREAM_RESUME_GONE', message: RESET_MESSAGE }),
        ),
    });
    this.#subs.set(id, handle.end);
    handle.replayed.catch((error: unknown) => {
      this.#subs.delete(id);
      this.#fail(error, id);
    });
  }

  #send(text: string): void {
    if (this.#closed || this.#socket.readyState !== this.#socket.OPEN) return;
    if (this.#socket.bufferedAmount + text.length > this.#deps.limits.maxBufferedBytes) this.#slow();
    else this.#socket.send(text);
  }

  /** True once the socket holds less than half the cap (false when closed or it never does in time). */
  async #drained(): Promise<boolean> {
    const deadline = this.#deps.now() + this.#deps.limits.drainTimeoutMs;
    while (!this.#closed && this.#socket.bufferedAmount > this.#deps.limits.maxBufferedBytes / 2) {
      if (this.#deps.now() > deadline) {
        this.#slow();
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
    return !this.#closed;
  }

  #slow(): void {
    if (this.#closed) return;
    this.#deps.logger.info({ buffered: this.#socket.bufferedAmount }, 'stream: closing a client too slow to keep up');
    this.#socket.close(SLOW_CONSUMER_CLOSE, SLOW_CONSUMER_REASON);
    const socket = this.#socket;
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    this.#end();
  }

  #fail(error: unknown, id: string | undefined): void {
    if (error instanceof AtomError) {
      this.#error(error.code, error.message, id);
      return;
    }
    this.#deps.logger.error({ err: error }, 'stream: a message failed');
    this.#error('ATOM_ERR_INTERNAL', 'the server could not handle this message; try again', id);
  }

  #error(code: string, message: string, id?: string): void {
    this.#send(JSON.stringify({ type: 'error', ...(id === undefined ? {} : { id }), code, message }));
  }

  #end(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    for (const end of this.#subs.values()) end();
    this.#subs.clear();
  }
}
