/**
 * ClockPort: the engine's only source of time. Production uses the system clock; tests use a
 * virtual clock, so retry back-off and delays are checked without waiting.
 */
export interface ClockPort {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` of this clock's time, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
