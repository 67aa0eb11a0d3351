/**
 * The concurrent-runs limit (DESIGN §7) as a pure decision. Counting the active runs and starting
 * one must happen in one transaction of the store (or one conditional insert), or two API
 * processes could both see 4 of 5 and start the 6th; this function is the rule that query applies.
 */

/**
 * Whether a workspace with `activeRuns` runs under way may start one more under `limit`
 * (`Infinity`: always; 0: never).
 *
 * @example
 * canStart(4, TIERS.free.concurrentRuns) // true
 * canStart(5, TIERS.free.concurrentRuns) // false
 */
export function canStart(activeRuns: number, limit: number): boolean {
  return activeRuns < limit;
}
