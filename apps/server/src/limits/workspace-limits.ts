/**
 * The limits of the workspace as the API applies them: its tier and overrides (workspace settings,
 * changeable at run time: this process sees its own change at once and another's within 5 s), and
 * the request rate limiter. At 80 % of the request allowance a warning is raised once per minute.
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
  workspaceId: string;
  defaultTier: TierName;
  /** Told once per minute at most (per limit) when requests or runs under way reach 80 % of the limit. */
  onWarning: (warning: LimitWarning) => void;
}

/** A "close to the limit" warning: which limit, how much of it is used, when. */
export interface LimitWarning {
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
  #cached: { value: EffectiveLimits; at: number } | null = null;
  /** The last warning of each limit raised by this process (shown by the usage endpoint). */
  readonly #warnings = new Map<LimitWarning['limit'], LimitWarning>();

  constructor(options: WorkspaceLimitsOptions) {
    this.#options = options;
    this.#gate = createLimitWarningGate(options.limiter);
  }

  get degraded(): boolean {
    return this.#options.limiter.degraded;
  }

  async current(): Promise<EffectiveLimits> {
    if (this.#cached && Date.now() - this.#cached.at < SETTINGS_TTL_MS) return this.#cached.value;
    const stored = await this.#options.settings.getWorkspaceSettings(this.#options.workspaceId);
    const tier = stored && isTierName(stored.tier) ? stored.tier : this.#options.defaultTier;
    const overrides = stored ? fromStored(stored.overrides) : {};
    const value = { tier, limits: resolveLimits(tier, overrides), overrides };
    this.#cached = { value, at: Date.now() };
    return value;
  }

  /** Validates and stores a new tier (and overrides); applies to the next request. */
  async set(tier: TierName, overrides: Partial<TierLimits>, now: number): Promise<EffectiveLimits> {
    const limits = resolveLimits(tier, overrides);
    await this.#options.settings.putWorkspaceSettings({
      workspaceId: this.#options.workspaceId,
      tier,
      overrides: toStored(overrides),
      updatedAt: now,
    });
    this.#cached = null;
    return { tier, limits, overrides };
  }

  /** Takes one request from the allowance. */
  async takeRequest(now: number): Promise<{ decision: RateDecision; limit: RateLimit }> {
    const { tier, limits } = await this.current();
    const limit = requestLimit(limits);
    // The limit is part of the key: a changed tier starts from a full allowance instead of paying
    // the old tier's debt (GCRA's state is a time computed with the old rate).
    const key = `ws:${this.#options.workspaceId}:api:${limit.ratePerMinute}:${limit.burst}`;
    const decision = await this.#options.limiter.take(key, limit, now);
    if (Number.isFinite(limit.ratePerMinute)) {
      const used = limit.burst - decision.remaining;
      if (await this.#gate.shouldWarn(key, used, limit.burst, now)) {
        this.#warn({ limit: 'requests', used, of: limit.burst, tier, at: now });
      }
    }
    return { decision, limit };
  }

  /** After a run was started: warns once per minute when runs under way reach 80 % of the limit. */
  async observeRuns(active: number, limit: number, now: number): Promise<void> {
    if (!Number.isFinite(limit)) return;
    const key = `ws:${this.#options.workspaceId}:runs:${limit}`;
    if (await this.#gate.shouldWarn(key, active, limit, now)) {
      const { tier } = await this.current();
      this.#warn({ limit: 'concurrentRuns', used: active, of: limit, tier, at: now });
    }
  }

  /** The last warning of each limit this process raised, newest first. */
  recentWarnings(): LimitWarning[] {
    return [...this.#warnings.values()].sort((a, b) => b.at - a.at);
  }

  #warn(warning: LimitWarning): void {
    this.#warnings.set(warning.limit, warning);
    this.#options.onWarning(warning);
  }
}
