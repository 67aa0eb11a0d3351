/**
 * Time and depth limits of one evaluation, through JSONata's `__evaluate_entry` / `__evaluate_exit`
 * hooks (the "timebox" recipe of the JSONata docs). The hooks are installed once per compiled
 * expression; the state of each evaluation travels in a binding, so concurrent evaluations of one
 * expression do not share counters.
 *
 * Depth counts function bodies being evaluated, not every AST node: JSONata evaluates the items of
 * an array or object constructor concurrently, so a per-node counter adds up siblings and refuses a
 * wide but shallow `{ "a": …, "b": …, … }`. Only recursion makes evaluation unboundedly deep, and
 * recursion goes through function bodies. Tail calls run in JSONata's trampoline without nesting,
 * so an endless tail-recursive loop is stopped by the clock instead.
 */
import type jsonata from 'jsonata';

/** A binding name with a space: no `$name` in an expression can spell it, so no expression can reach it. */
const GUARD_BINDING = ' atom guard';

/**
 * Bodies of the functions met so far. A function is evaluated (its `lambda` node entered) before
 * its body can run, so the body is known here by the time it is entered. Weak: ASTs come and go.
 */
const functionBodies = new WeakSet<object>();

export interface GuardState {
  readonly deadline: number;
  readonly maxDepth: number;
  /** Function bodies under evaluation. */
  depth: number;
  /** Set once a limit is hit; every later hook throws too, so concurrent branches stop at once. */
  tripped: 'timeout' | 'depth' | null;
}

/** Thrown from the hooks; evaluation reads `tripped`, because `$eval` re-wraps errors. */
class LimitReached extends Error {}

export function newGuard(timeoutMs: number, maxDepth: number): GuardState {
  return { deadline: Date.now() + timeoutMs, maxDepth, depth: 0, tripped: null };
}

export function guardBinding(state: GuardState): Record<string, GuardState> {
  return { [GUARD_BINDING]: state };
}

export function installGuard(expression: jsonata.Expression): void {
  // Typed for string names only, but JSONata looks its hooks up by symbol.
  const assign = expression.assign as unknown as (name: symbol, value: unknown) => void;
  assign(Symbol.for('jsonata.__evaluate_entry'), onEntry);
  assign(Symbol.for('jsonata.__evaluate_exit'), onExit);
}

function onEntry(node: jsonata.ExprNode, _input: unknown, environment: jsonata.Environment): void {
  const body = (node as { body?: unknown }).body;
  if (node.type === 'lambda' && typeof body === 'object' && body !== null) functionBodies.add(body);
  const guard = environment.lookup(GUARD_BINDING) as GuardState | undefined;
  if (guard === undefined) return;
  if (functionBodies.has(node)) guard.depth++;
  check(guard);
}

function onExit(node: jsonata.ExprNode, _input: unknown, environment: jsonata.Environment): void {
  const guard = environment.lookup(GUARD_BINDING) as GuardState | undefined;
  if (guard === undefined) return;
  if (functionBodies.has(node) && guard.depth > 0) guard.depth--;
  check(guard);
}

function check(guard: GuardState): void {
  if (guard.tripped === null) {
    if (guard.depth > guard.maxDepth) guard.tripped = 'depth';
    else if (Date.now() > guard.deadline) guard.tripped = 'timeout';
  }
  if (guard.tripped !== null) throw new LimitReached(guard.tripped);
}
