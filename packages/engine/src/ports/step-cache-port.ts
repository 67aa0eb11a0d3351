/**
 * Where `cache:` step outputs and their hit/miss counts live. The store implements it (the
 * default: the same database as the run state); a deployment with Redis gives the engine one in
 * Redis, shared by every worker, that falls back to the store while Redis is away.
 *
 * In: keys (hashes of node type, connection and resolved inputs, or the step's `key`), JSON
 * values, absolute expiry times (epoch ms). Out: the stored value while not expired. A cache may
 * lose entries at any time; it never returns an expired or another key's value.
 */
import type { StorePort } from './store-port.js';

export type StepCachePort = Pick<StorePort, 'cacheGet' | 'cacheSet' | 'cacheCount' | 'cacheStats'>;
