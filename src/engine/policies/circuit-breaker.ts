/**
 * @module engine/policies/circuit-breaker
 * A consecutive-failure circuit breaker per target. Open: attempts are refused at once, so the
 * router moves on without waiting on a dead route. After the break duration it half-opens and
 * lets a set number of probes through; a probe's success closes it, a failure re-opens it.
 */
import type { BreakerState } from '../events.js';
import type { AttemptContext, AttemptFn, Policy, PolicyEnv } from '../policy.js';
import { targetKey, type AttemptFailure, type AttemptOutcome, type Target } from '../types.js';

/** Breaker options, in milliseconds. */
export interface CircuitBreakerOptions {
  readonly consecutiveFailures: number;
  readonly breakDurationMs: number;
  readonly halfOpenProbes: number;
}

/** A breaker's state as plain, serialisable data. */
export type BreakerSnapshot =
  | { readonly state: 'closed'; readonly failures: number }
  | { readonly state: 'open'; readonly openedAt: number; readonly until: number }
  | { readonly state: 'half-open'; readonly probesInFlight: number };

/** The breaker policy plus a view of its per-target state. */
export interface CircuitBreakerPolicy extends Policy {
  /** The current state of a target's breaker (`closed` for one never used). */
  state(target: Target): BreakerState;
  /** Every breaker's state, keyed `provider/model`, for persistence or display. */
  snapshot(): Record<string, BreakerSnapshot>;
}

/** Failures the breaker counts: the target misbehaved, not the request or the caller. */
function countsAsFailure(outcome: AttemptFailure): boolean {
  return outcome.failureClass === 'transient' || outcome.failureClass === 'target-unusable';
}

/** Creates the circuit breaker policy. */
export function circuitBreaker(
  options: CircuitBreakerOptions,
  env: PolicyEnv,
): CircuitBreakerPolicy {
  const breakers = new Map<string, BreakerSnapshot>();
  // Bumped on every state change: an attempt admitted under an earlier state (a slow answer
  // that lands after the breaker opened) must not move the breaker.
  const generations = new Map<string, number>();

  const transition = (key: string, target: Target, next: BreakerSnapshot): void => {
    const previous = breakers.get(key)?.state ?? 'closed';
    breakers.set(key, next);
    if (previous !== next.state) generations.set(key, (generations.get(key) ?? 0) + 1);
    if (previous !== next.state && env.events.active) {
      env.events.emit({
        type: 'breaker:transition',
        at: env.clock.now(),
        target,
        from: previous,
        to: next.state,
      });
    }
  };

  const current = (key: string, target: Target): BreakerSnapshot => {
    const snap = breakers.get(key) ?? { state: 'closed', failures: 0 };
    if (snap.state === 'open' && env.clock.now() >= snap.until) {
      const halfOpen: BreakerSnapshot = { state: 'half-open', probesInFlight: 0 };
      transition(key, target, halfOpen);
      return halfOpen;
    }
    return snap;
  };

  const open = (key: string, target: Target): void => {
    const now = env.clock.now();
    transition(key, target, { state: 'open', openedAt: now, until: now + options.breakDurationMs });
  };

  return {
    name: 'circuit-breaker',
    state: (target) => current(targetKey(target), target).state,
    snapshot: () =>
      Object.fromEntries([...breakers.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),

    async execute(ctx: AttemptContext, next: AttemptFn): Promise<AttemptOutcome> {
      const key = targetKey(ctx.target);
      const before = current(key, ctx.target);
      if (
        before.state === 'open' ||
        (before.state === 'half-open' && before.probesInFlight >= options.halfOpenProbes)
      ) {
        return {
          ok: false,
          target: ctx.target,
          reason: 'breaker-open',
          failureClass: 'target-unusable',
          message: `circuit breaker for ${key} is ${before.state}`,
        };
      }
      const probing = before.state === 'half-open';
      if (probing)
        breakers.set(key, { state: 'half-open', probesInFlight: before.probesInFlight + 1 });

      const admittedIn = generations.get(key) ?? 0;
      const outcome = await next(ctx);
      if ((generations.get(key) ?? 0) !== admittedIn) return outcome;

      const after = breakers.get(key) ?? { state: 'closed', failures: 0 };
      if (outcome.ok) {
        if (after.state !== 'closed' || after.failures !== 0)
          transition(key, ctx.target, { state: 'closed', failures: 0 });
      } else if (countsAsFailure(outcome)) {
        if (after.state === 'half-open') open(key, ctx.target);
        else if (after.state === 'closed') {
          const failures = after.failures + 1;
          if (failures >= options.consecutiveFailures) open(key, ctx.target);
          else breakers.set(key, { state: 'closed', failures });
        }
      } else if (probing && after.state === 'half-open') {
        // The probe told us nothing about the target (the caller gave up): free its slot.
        breakers.set(key, {
          state: 'half-open',
          probesInFlight: Math.max(0, after.probesInFlight - 1),
        });
      }
      return outcome;
    },
  };
}
