/**
 * Which enabled workflow answers which webhook path, event name and schedule — read from the
 * store (ControlStore.listTriggerSources), so every API process sees the same triggers. It reloads
 * after a change made through this process; every `refreshMs`, and (for webhooks) at most once per
 * second when a path is not found, it reloads if the catalogue's stamp changed
 * (ControlStore.triggerSourcesStamp), so a workflow saved through another process is served promptly
 * without reading every document again while nothing changes. A full reload every FULL_RELOAD_MS
 * bounds what a change the stamp could not tell (two opposite ones in one millisecond) can last.
 * Webhook paths and event names are per workspace (ADR 0015): two workspaces may both use one.
 */
import type { EventTriggerDocument, ScheduleTriggerDocument, WebhookTriggerDocument } from '@atom/spec';
import type { ControlStore, TriggerSource } from '@atom/store';

interface TriggerOwner {
  workflowId: string;
  workspaceId: string;
  workflowName: string;
  version: number;
  /** Position of the trigger in the document's `triggers`. */
  index: number;
}

export interface HookTrigger extends TriggerOwner {
  trigger: WebhookTriggerDocument;
}
export interface EventTrigger extends TriggerOwner {
  trigger: EventTriggerDocument;
}
export interface ScheduleTrigger extends TriggerOwner {
  trigger: ScheduleTriggerDocument;
}

interface Snapshot {
  hooks: Map<string, HookTrigger>;
  events: Map<string, EventTrigger[]>;
  schedules: ScheduleTrigger[];
}

type TriggerEntry = {
  webhook?: WebhookTriggerDocument;
  schedule?: ScheduleTriggerDocument;
  event?: EventTriggerDocument;
};

/** A webhook path or an event name within its workspace (a newline is in neither). */
const keyOf = (workspaceId: string, name: string) => `${workspaceId}\n${name}`;

function build(sources: readonly TriggerSource[]): Snapshot {
  const snapshot: Snapshot = { hooks: new Map(), events: new Map(), schedules: [] };
  // Sorted by name, so that if two workflows ever claim one path, every process picks the same one.
  for (const source of [...sources].sort((a, b) => a.name.localeCompare(b.name))) {
    const triggers = ((source.document as { triggers?: TriggerEntry[] }).triggers ?? []) as TriggerEntry[];
    const { workflowId, workspaceId, version } = source;
    triggers.forEach((entry, index) => {
      const owner = { workflowId, workspaceId, workflowName: source.name, version, index };
      const hookKey = entry.webhook && keyOf(workspaceId, entry.webhook.path);
      if (entry.webhook && hookKey && !snapshot.hooks.has(hookKey)) {
        snapshot.hooks.set(hookKey, { ...owner, trigger: entry.webhook });
      }
      if (entry.event) {
        const eventKey = keyOf(workspaceId, entry.event.name);
        const list = snapshot.events.get(eventKey) ?? [];
        list.push({ ...owner, trigger: entry.event });
        snapshot.events.set(eventKey, list);
      }
      if (entry.schedule) snapshot.schedules.push({ ...owner, trigger: entry.schedule });
    });
  }
  return snapshot;
}

/** However unchanged the stamp, a periodic check reloads everything at least this often. */
const FULL_RELOAD_MS = 60_000;

export class TriggerIndex {
  readonly #control: ControlStore;
  readonly #now: () => number;
  #snapshot: Snapshot = { hooks: new Map(), events: new Map(), schedules: [] };
  #loading: Promise<void> | null = null;
  /** The catalogue's stamp when the snapshot was read, and when that was. */
  #stamp: string | null = null;
  #loadedAt = 0;
  #lastMissReload = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(control: ControlStore, now: () => number = Date.now) {
    this.#control = control;
    this.#now = now;
  }

  /** Loads now, then checks every `refreshMs` until `stop()`. */
  async start(refreshMs: number): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refreshIfChanged().catch(() => {}), refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Reloads from the store; concurrent callers share one load. */
  refresh(): Promise<void> {
    if (!this.#loading) {
      this.#loading = (async () => {
        // The stamp first: a change made meanwhile then shows as a changed stamp at the next check.
        const stamp = await this.#control.triggerSourcesStamp();
        const loadedAt = this.#now();
        this.#snapshot = build(await this.#control.listTriggerSources());
        this.#stamp = stamp;
        this.#loadedAt = loadedAt;
      })().finally(() => {
        this.#loading = null;
      });
    }
    return this.#loading;
  }

  /** Reloads when the catalogue's stamp changed, or the last reload is FULL_RELOAD_MS old; true when it did. */
  async refreshIfChanged(): Promise<boolean> {
    if (this.#loading) {
      await this.#loading;
      return true;
    }
    const stale = this.#now() - this.#loadedAt >= FULL_RELOAD_MS;
    if (!stale && (await this.#control.triggerSourcesStamp()) === this.#stamp) return false;
    await this.refresh();
    return true;
  }

  /** The workspace's webhook on `path`; reloads once (at most every second) before answering that none exists. */
  async hook(workspaceId: string, path: string, now: number): Promise<HookTrigger | undefined> {
    const found = this.#snapshot.hooks.get(keyOf(workspaceId, path));
    if (found || now - this.#lastMissReload < 1_000) return found;
    this.#lastMissReload = now;
    await this.refreshIfChanged();
    return this.#snapshot.hooks.get(keyOf(workspaceId, path));
  }

  /** The workflow of the workspace holding `path`, without reloading (for conflict checks on save). */
  hookOwner(workspaceId: string, path: string): HookTrigger | undefined {
    return this.#snapshot.hooks.get(keyOf(workspaceId, path));
  }

  /** The workspace's event triggers listening for `name`. */
  events(workspaceId: string, name: string): readonly EventTrigger[] {
    return this.#snapshot.events.get(keyOf(workspaceId, name)) ?? [];
  }

  schedules(): readonly ScheduleTrigger[] {
    return this.#snapshot.schedules;
  }
}
