/**
 * The live stream's one reader of the event feed in this process, and its fan-out. However many
 * WebSocket subscriptions are open, each committed event is read from the store once (woken by the
 * event bus: this engine, Redis, or PostgreSQL NOTIFY) and serialised once; subscriptions are
 * indexed by run, by workflow and by workspace, so delivering an event costs only its own subscribers.
 *
 * Resuming without a gap or a duplicate: a subscription with `after` joins the live fan-out first
 * and notes the tail's cursor C at that instant (synchronously, so no page is dispatched between).
 * It then replays, from the store, the events after `after` and before C, while live events (all
 * at or past C) wait in its buffer; then the buffer, then live. Live events that lie before
 * `after` itself (another process's tail may run ahead of this one's) are skipped.
 *
 * When the store cannot place `after` (the event is no longer stored, or retention deleted later
 * events of the workspace: StorePort.resumeFeedCursor), the subscription is reset instead: the
 * sink is told, and live events follow from C. Never a neighbour's position (which would repeat or
 * skip events on PostgreSQL, whose feed is not in id order), never a silent hole (ADR 0022).
 */
import { compareFeedCursors, type FeedEvent, type StorePort } from '@atom/engine';
import type { Logger } from 'pino';
import type { EventBus } from '../events/event-bus.js';
import { FeedTail } from '../events/feed-tail.js';

/** What a subscription follows, with ids resolved. */
/** What a subscription follows, with ids resolved (each within the subscriber's workspace). */
export type StreamTarget = { runId: string } | { workflowId: string } | { workspaceId: string };

/** The side of a subscription that writes to the client (a StreamConnection). */
export interface StreamSink {
  /** One event, already serialised as the `event` object of the protocol. */
  send(eventJson: string): void;
  /** Resolves true when the client can take more (replay pacing), false when it is gone. */
  ready(): Promise<boolean>;
  /** Events waiting while the subscription catches up passed the cap: the client is too slow. */
  overflow(): void;
  /** `after` cannot be resumed from: what follows is live only (sent before any live event). */
  reset(): void;
}

/** Where a subscription resumes: after this event id, within the subscriber's workspace. */
export interface StreamResume {
  after: number;
  workspaceId: string;
}

export interface StreamHubOptions {
  store: Pick<StorePort, 'readEventFeed' | 'eventFeedCursor' | 'resumeFeedCursor'>;
  bus: EventBus;
  logger: Logger;
  /** Cap on the bytes of live events held for one subscription while it replays. */
  maxHeldBytes: number;
}

interface HubSubscription {
  target: StreamTarget;
  sink: StreamSink;
  /** Live events before this cursor were replayed or seen already. */
  from: string | undefined;
  held: string[] | null;
  heldBytes: number;
  closed: boolean;
}

export interface HubSubscriptionHandle {
  end(): void;
  replayed: Promise<void>;
}

const REPLAY_PAGE = 500;

/** The `event` object of the protocol: GET /runs/{id}/events' fields plus `runId`, `workflowId`. */
export function eventJson(event: FeedEvent): string {
  return JSON.stringify({
    id: event.id,
    runId: event.runId,
    workflowId: event.workflowId,
    type: event.type,
    stepKey: event.stepKey,
    data: event.data,
    at: new Date(event.at).toISOString(),
  });
}

export class StreamHub {
  readonly #options: StreamHubOptions;
  readonly #tail: FeedTail;
  readonly #byRun = new Map<string, Set<HubSubscription>>();
  readonly #byWorkflow = new Map<string, Set<HubSubscription>>();
  readonly #byWorkspace = new Map<string, Set<HubSubscription>>();
  #count = 0;
  readonly #unsubscribeBus: () => void;

  constructor(options: StreamHubOptions) {
    this.#options = options;
    this.#tail = new FeedTail({
      store: options.store,
      deliver: (events) => this.#dispatch(events),
      onError: (error) => options.logger.warn({ err: error }, 'stream: reading the event feed failed'),
    });
    this.#unsubscribeBus = options.bus.subscribe(() => this.#tail.wake());
  }

  /** Open subscriptions (for tests and metrics). */
  get size(): number {
    return this.#count;
  }

  /**
   * Starts a subscription: live events from now on, and with `after` first every stored event
   * after that event id. `replayed` settles once the replay is done (live events flow from then
   * on); `end` stops the subscription at any time, replay included.
   */
  subscribe(target: StreamTarget, resume: StreamResume | undefined, sink: StreamSink): HubSubscriptionHandle {
    const sub: HubSubscription = {
      target,
      sink,
      from: undefined,
      held: resume === undefined ? null : [],
      heldBytes: 0,
      closed: false,
    };
    let added = false;
    const end = () => {
      if (added) this.#remove(sub);
      sub.closed = true;
    };
    const replayed = (async () => {
      const { store } = this.#options;
      const from = resume === undefined ? undefined : await store.resumeFeedCursor(resume.after, resume.workspaceId);
      let until = this.#tail.cursor;
      while (until === null) {
        await this.#tail.start();
        until = this.#tail.cursor; // Null again if the last other subscription left meanwhile.
      }
      if (sub.closed) return;
      sub.from = from ?? undefined;
      this.#add(sub);
      added = true;
      if (from === undefined) return;
      if (from === null) sink.reset();
      else if (compareFeedCursors(from, until) < 0) await this.#replay(sub, from, until);
      const held = sub.held ?? [];
      sub.held = null;
      if (!sub.closed) for (const json of held) sink.send(json);
    })();
    replayed.catch(end);
    return { end, replayed };
  }

  close(): void {
    this.#unsubscribeBus();
    this.#tail.stop();
  }

  async #replay(sub: HubSubscription, from: string, until: string): Promise<void> {
    const { store } = this.#options;
    const filter = sub.target;
    let cursor = from;
    for (;;) {
      const page = await store.readEventFeed({ from: cursor, until, limit: REPLAY_PAGE, ...filter });
      if (sub.closed) return;
      for (const event of page.events) sub.sink.send(eventJson(event));
      cursor = page.next;
      if (page.events.length < REPLAY_PAGE || !(await sub.sink.ready()) || sub.closed) return;
    }
  }

  #dispatch(events: readonly FeedEvent[]): void {
    for (const event of events) {
      const runSubs = this.#byRun.get(event.runId);
      const workflowSubs = this.#byWorkflow.get(event.workflowId);
      const workspaceSubs = this.#byWorkspace.get(event.workspaceId);
      if (!runSubs && !workflowSubs && !workspaceSubs) continue;
      const json = eventJson(event);
      if (runSubs) for (const sub of runSubs) this.#deliver(sub, event, json);
      if (workflowSubs) for (const sub of workflowSubs) this.#deliver(sub, event, json);
      if (workspaceSubs) for (const sub of workspaceSubs) this.#deliver(sub, event, json);
    }
  }

  #deliver(sub: HubSubscription, event: FeedEvent, json: string): void {
    if (sub.closed) return;
    if (sub.from !== undefined) {
      if (compareFeedCursors(event.next, sub.from) <= 0) return;
      sub.from = undefined;
    }
    if (sub.held === null) {
      sub.sink.send(json);
      return;
    }
    sub.held.push(json);
    sub.heldBytes += json.length;
    if (sub.heldBytes > this.#options.maxHeldBytes) {
      sub.held = [];
      sub.sink.overflow();
    }
  }

  #add(sub: HubSubscription): void {
    const { target } = sub;
    if ('runId' in target) setOf(this.#byRun, target.runId).add(sub);
    else if ('workflowId' in target) setOf(this.#byWorkflow, target.workflowId).add(sub);
    else setOf(this.#byWorkspace, target.workspaceId).add(sub);
    this.#count++;
  }

  #remove(sub: HubSubscription): void {
    if (sub.closed) return;
    sub.closed = true;
    const { target } = sub;
    if ('runId' in target) dropFrom(this.#byRun, target.runId, sub);
    else if ('workflowId' in target) dropFrom(this.#byWorkflow, target.workflowId, sub);
    else dropFrom(this.#byWorkspace, target.workspaceId, sub);
    this.#count--;
    // Nobody listens: stop reading the feed; the next subscription starts at its end again.
    if (this.#count === 0) this.#tail.stop();
  }
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}

function dropFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  set?.delete(value);
  if (set?.size === 0) map.delete(key);
}
