/**
 * Which enabled workflow answers which webhook path, event name and schedule — read from the
 * store (ControlStore.listTriggerSources), so every API process sees the same triggers. It reloads
 * after a change made through this process, every `refreshMs`, and (for webhooks) at most once per
 * second when a path is not found, so a workflow saved through another process is served promptly.
 */
import type { EventTriggerDocument, ScheduleTriggerDocument, WebhookTriggerDocument } from '@atom/spec';
import type { ControlStore, TriggerSource } from '@atom/store';

interface TriggerOwner {
  workflowId: string;
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

function build(sources: readonly TriggerSource[]): Snapshot {
  const snapshot: Snapshot = { hooks: new Map(), events: new Map(), schedules: [] };
  // Sorted by name, so that if two workflows ever claim one path, every process picks the same one.
  for (const source of [...sources].sort((a, b) => a.name.localeCompare(b.name))) {
    const triggers = ((source.document as { triggers?: TriggerEntry[] }).triggers ?? []) as TriggerEntry[];
    triggers.forEach((entry, index) => {
      const owner = { workflowId: source.workflowId, workflowName: source.name, version: source.version, index };
      if (entry.webhook && !snapshot.hooks.has(entry.webhook.path)) {
        snapshot.hooks.set(entry.webhook.path, { ...owner, trigger: entry.webhook });
      }
      if (entry.event) {
        const list = snapshot.events.get(entry.event.name) ?? [];
        list.push({ ...owner, trigger: entry.event });
        snapshot.events.set(entry.event.name, list);
      }
      if (entry.schedule) snapshot.schedules.push({ ...owner, trigger: entry.schedule });
    });
  }
  return snapshot;
}

export class TriggerIndex {
  readonly #control: ControlStore;
  #snapshot: Snapshot = { hooks: new Map(), events: new Map(), schedules: [] };
  #loading: Promise<void> | null = null;
  #lastMissReload = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(control: ControlStore) {
    this.#control = control;
  }

  /** Loads now, then every `refreshMs` until `stop()`. */
  async start(refreshMs: number): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh().catch(() => {}), refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Reloads from the store; concurrent callers share one load. */
  refresh(): Promise<void> {
    if (!this.#loading) {
      this.#loading = this.#control
        .listTriggerSources()
        .then((sources) => {
          this.#snapshot = build(sources);
        })
        .finally(() => {
          this.#loading = null;
        });
    }
    return this.#loading;
  }

  /** The webhook on `path`; reloads once (at most every second) before answering that none exists. */
  async hook(path: string, now: number): Promise<HookTrigger | undefined> {
    const found = this.#snapshot.hooks.get(path);
    if (found || now - this.#lastMissReload < 1_000) return found;
    this.#lastMissReload = now;
    await this.refresh();
    return this.#snapshot.hooks.get(path);
  }

  /** The workflow holding `path`, without reloading (for conflict checks on save). */
  hookOwner(path: string): HookTrigger | undefined {
    return this.#snapshot.hooks.get(path);
  }

  events(name: string): readonly EventTrigger[] {
    return this.#snapshot.events.get(name) ?? [];
  }

  schedules(): readonly ScheduleTrigger[] {
    return this.#snapshot.schedules;
  }
}
