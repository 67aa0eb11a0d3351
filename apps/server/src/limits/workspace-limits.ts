/**
 * The limits of each workspace as the API applies them: its tier and overrides (workspace settings,
 * changeable at run time: this process sees its own change at once and another's within 5 s), and
 * the request rate limiter, counted per workspace. At 80 % of a workspace's request allowance a
 * warning is raised once per minute.
 */
import type { SettingsStore } from '@atom/store';
import type { RateDecision, RateLimit } from './gcra.js';
import { createLimitWarningGate, type LimitWarningGate } from './limit-warning.js';
import type { RateLimiter } from './rate-limiter.js';
import { isTierName, requestLimit, resolveLimits, type TierLimits, type TierName } from './tiers.js';

const SETTINGS_TTL_MS = 5_000;

export interface EffectiveLimits {
  tier: TierName;
  limits: TierLimits;
  overrides: Partial<TierLimits>;
}

export interface WorkspaceLimitsOptions {
  settings: SettingsStore;
  limiter: RateLimiter;
  defaultTier: TierName;
  /** Told once per minute at most (per limit) when requests or runs under way reach 80 % of the limit. */
  onWarning: (warning: LimitWarning) => void;
}

/** A "close to the limit" warning: which limit, how much of it is used, when. */
export interface LimitWarning {
  workspaceId: string;
  limit: 'requests' | 'concurrentRuns';
  used: number;
  of: number;
  tier: TierName;
  at: number;
}

/** Stored overrides use null for "unlimited" (JSON has no Infinity). */
function fromStored(overrides: Record<string, number | null>): Partial<TierLimits> {
  const out: Partial<TierLimits> = {};
  for (const [key, value] of Object.entries(overrides)) {
    (out as Record<string, number>)[key] = value === null ? Number.POSITIVE_INFINITY : value;
  }
  return out;
}

export function toStored(overrides: Partial<TierLimits>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(overrides)) out[key] = Number.isFinite(value) ? (value as number) : null;
  return out;
}

export class WorkspaceLimits {
  readonly #options: WorkspaceLimitsOptions;
  readonly #gate: LimitWarningGate;
  readonly #cached = new Map<string, { value: EffectiveLimits; at: number }>();
  /** The last warning of each workspace and limit raised by this process (shown by the usage endpoint). */
  readonly #warnings = new Map<string, LimitWarning>();

  constructor(options: WorkspaceLimitsOptions) {
    this.#options = options;
    this.#gate = createLimitWarningGate(options.limiter);
  }

  get degraded(): boolean {
    return this.#options.limiter.degraded;
  }

  async current(workspaceId: string): Promise<EffectiveLimits> {
    const cached = this.#cached.get(workspaceId);
    if (cached && Date.now() - cached.at < SETTINGS_TTL_MS) return cached.value;
    const stored = await this.#options.settings.getWorkspaceSettings(workspaceId);
    const tier = stored && isTierName(stored.tier) ? stored.tier : this.#options.defaultTier;
    const overrides = stored ? fromStored(stored.overrides) : {};
    const value = { tier, limits: resolveLimits(tier, overrides), overrides };
    this.#cached.set(workspaceId, { value, at: Date.now() });
    return value;
  }

  /** Validates and stores a new tier (and overrides); applies to the next request. */
  async set(workspaceId: string, tier: TierName, overrides: Partial<TierLimits>, now: number) {
    const limits = resolveLimits(tier, overrides);
    await this.#options.settings.putWorkspaceSettings({
      workspaceId,
      tier,
      overrides: toStored(overrides),
      updatedAt: now,
    });
    this.#cached.delete(workspaceId);
    return { tier, limits, overrides };
  }

  /** Takes one request from the allowance. */
  async takeRequest(workspaceId: string, now: number): Promise<{ decision: RateDecision; limit: RateLimit }> {
    const { tier, limits } = await this.current(workspaceId);
    const limit = requestLimit(limits);
    // The limit is part of the key: a changed tier starts from a full allowance instead of paying
    // the old tier's debt (GCRA's state is a time computed with the old rate).
    const key = `ws:${workspaceId}:api:${limit.ratePerMinute}:${limit.burst}`;
    const decision = await this.#options.limiter.take(key, limit, now);
    if (Number.isFinite(limit.ratePerMinute)) {
      const used = limit.burst - decision.remaining;
      if (await this.#gate.shouldWarn(key, used, limit.burst, now)) {
        this.#warn({ workspaceId, limit: 'requests', used, of: limit.burst, tier, at: now });
      }
    }
    return { decision, limit };
  }

  /** After a run was started: warns once per minute when runs under way reach 80 % of the limit. */
  async observeRuns(workspaceId: string, active: number, limit: number, now: number): Promise<void> {
    if (!Number.isFinite(limit)) return;
    const key = `ws:${workspaceId}:runs:${limit}`;
    if (await this.#gate.shouldWarn(key, active, limit, now)) {
      const { tier } = await this.current(workspaceId);
      this.#warn({ workspaceId, limit: 'concurrentRuns', used: active, of: limit, tier, at: now });
    }
  }

  /** The last warning of each limit of the workspace this process raised, newest first. */
  recentWarnings(workspaceId: string): LimitWarning[] {
    return [...this.#warnings.values()].filter((w) => w.workspaceId === workspaceId).sort((a, b) => b.at - a.at);
  }

  #warn(warning: LimitWarning): void {
    this.#warnings.set(`${warning.workspaceId}\n${warning.limit}`, warning);
    this.#options.onWarning(warning);
  }
}
