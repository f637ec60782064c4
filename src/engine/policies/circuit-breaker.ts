/**
 * @module engine/policies/circuit-breaker
 * A circuit breaker per target. Closed, it counts failures: `consecutive` opens after a run of
 * failures, `ratio` when the failure share of a sliding window reaches a threshold once the
 * window has seen enough attempts, `latency` when a percentile of the window's attempt times
 * passes a threshold (more than the percentile's complement of attempts were slower, failed
 * ones counted as slow). Open, it refuses attempts at once, so the router moves on
 * without waiting on a dead route. After the break it half-opens and lets a set number of probes
 * through: a probe's success closes it, a failure re-opens it for a longer break (doubling up
 * to a cap), so a target that stays down is probed less and less often.
 */
import type { BreakerState } from '../events.js';
import type { AttemptContext, AttemptFn, Policy, PolicyEnv } from '../policy.js';
import { SlidingWindow } from '../sliding-window.js';
import { targetKey, type AttemptFailure, type AttemptOutcome, type Target } from '../types.js';

/** Breaker options, in base units (milliseconds, fractions). */
export interface CircuitBreakerOptions {
  /** How a closed breaker decides to open. */
  readonly kind: 'consecutive' | 'ratio' | 'latency';
  /** `consecutive`: failures in a row that open it. */
  readonly consecutiveFailures: number;
  /** `ratio`: the failure share of the window that opens it. */
  readonly failureRatio: number;
  /** `ratio`: the sliding window. */
  readonly windowMs: number;
  /** `ratio`, `latency`: attempts the window must hold before the share counts. */
  readonly minimumThroughput: number;
  /** `latency`: the percentile of attempt times that opens it past the threshold. @defaultValue 95 */
  readonly percentile?: number;
  /** `latency`: the attempt time the percentile must stay within. */
  readonly latencyThresholdMs?: number;
  /** The first break. */
  readonly breakDurationMs: number;
  /** The longest break, reached by doubling after each failed probe. */
  readonly maxBreakDurationMs: number;
  readonly halfOpenProbes: number;
}

/** A breaker's state as plain, serialisable data. */
export type BreakerSnapshot =
  | { readonly state: 'closed'; readonly failures: number }
  | {
      readonly state: 'open';
      readonly openedAt: number;
      readonly until: number;
      readonly breakMs: number;
    }
  | { readonly state: 'half-open'; readonly probesInFlight: number; readonly lastBreakMs: number };

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

const TOTAL = 0;
const FAILED = 1;
const CLOSED: BreakerSnapshot = { state: 'closed', failures: 0 };

/** Creates the circuit breaker policy. */
export function circuitBreaker(
  options: CircuitBreakerOptions,
  env: PolicyEnv,
): CircuitBreakerPolicy {
  return new CircuitBreaker(options, env);
}

/** The breakers of every target, kept by one policy. */
class CircuitBreaker implements CircuitBreakerPolicy {
  readonly name = 'circuit-breaker';
  readonly #options: CircuitBreakerOptions;
  readonly #env: PolicyEnv;
  readonly #breakers = new Map<string, BreakerSnapshot>();
  // Bumped on every state change: an attempt admitted under an earlier state (a slow answer
  // that lands after the breaker opened) must not move the breaker.
  readonly #generations = new Map<string, number>();
  readonly #windows = new Map<string, SlidingWindow>();

  constructor(options: CircuitBreakerOptions, env: PolicyEnv) {
    this.#options = options;
    this.#env = env;
  }

  state(target: Target): BreakerState {
    return this.#current(targetKey(target), target).state;
  }

  snapshot(): Record<string, BreakerSnapshot> {
    return Object.fromEntries([...this.#breakers.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  async execute(ctx: AttemptContext, next: AttemptFn): Promise<AttemptOutcome> {
    const key = targetKey(ctx.target);
    const before = this.#current(key, ctx.target, ctx.request.id);
    if (
      before.state === 'open' ||
      (before.state === 'half-open' && before.probesInFlight >= this.#options.halfOpenProbes)
    ) {
      return {
        ok: false,
        target: ctx.target,
        reason: 'breaker-open',
        failureClass: 'target-unusable',
        message: `circuit breaker for ${key} is ${before.state}`,
      };
    }
    if (before.state === 'half-open')
      this.#breakers.set(key, { ...before, probesInFlight: before.probesInFlight + 1 });

    const admittedIn = this.#generations.get(key) ?? 0;
    const startedAt = this.#env.clock.now();
    const outcome = await next(ctx);
    if ((this.#generations.get(key) ?? 0) === admittedIn)
      this.#observe(key, ctx, outcome, this.#env.clock.now() - startedAt);
    return outcome;
  }

  /** Whether an outcome counts against the target: a failure, or for `latency` a slow attempt. */
  #failed(outcome: AttemptOutcome, tookMs: number): boolean {
    if (!outcome.ok) return countsAsFailure(outcome);
    const options = this.#options;
    return (
      options.kind === 'latency' &&
      tookMs > (options.latencyThresholdMs ?? Number.POSITIVE_INFINITY)
    );
  }

  /** Moves the breaker on an attempt's outcome. */
  #observe(key: string, ctx: AttemptContext, outcome: AttemptOutcome, tookMs: number): void {
    const options = this.#options;
    const after = this.#breakers.get(key) ?? CLOSED;
    const failed = this.#failed(outcome, tookMs);
    if (after.state === 'half-open') {
      if (outcome.ok && !failed) this.#transition(key, ctx.target, CLOSED, ctx.request.id);
      else if (failed) {
        const breakMs = Math.min(options.maxBreakDurationMs, after.lastBreakMs * 2);
        this.#open(key, ctx.target, breakMs, ctx.request.id);
      }
      // A probe that told nothing about the target (the caller gave up) frees its slot.
      else
        this.#breakers.set(key, {
          ...after,
          probesInFlight: Math.max(0, after.probesInFlight - 1),
        });
    } else if (after.state === 'closed' && (outcome.ok || failed)) {
      if (this.#tripped(key, after, failed))
        this.#open(key, ctx.target, options.breakDurationMs, ctx.request.id);
    }
  }

  #windowOf(key: string): SlidingWindow {
    let window = this.#windows.get(key);
    if (window === undefined) {
      window = new SlidingWindow(this.#env.clock, this.#options.windowMs, 2);
      this.#windows.set(key, window);
    }
    return window;
  }

  #transition(
    key: string,
    target: Target,
    next: BreakerSnapshot,
    requestId: string | undefined,
  ): void {
    const previous = this.#breakers.get(key)?.state ?? 'closed';
    this.#breakers.set(key, next);
    if (previous === next.state) return;
    this.#generations.set(key, (this.#generations.get(key) ?? 0) + 1);
    if (next.state !== 'half-open') this.#windows.get(key)?.reset();
    const events = this.#env.events;
    if (events.active) {
      events.emit({
        type: 'breaker:transition',
        at: this.#env.clock.now(),
        target,
        from: previous,
        to: next.state,
        ...(requestId === undefined ? {} : { requestId }),
      });
    }
  }

  /** The breaker's state now: an open breaker whose break has passed is half-open. */
  #current(key: string, target: Target, requestId?: string): BreakerSnapshot {
    const snap = this.#breakers.get(key) ?? CLOSED;
    if (snap.state === 'open' && this.#env.clock.now() >= snap.until) {
      const halfOpen: BreakerSnapshot = {
        state: 'half-open',
        probesInFlight: 0,
        lastBreakMs: snap.breakMs,
      };
      this.#transition(key, target, halfOpen, requestId);
      return halfOpen;
    }
    return snap;
  }

  #open(key: string, target: Target, breakMs: number, requestId: string): void {
    const now = this.#env.clock.now();
    const open: BreakerSnapshot = { state: 'open', openedAt: now, until: now + breakMs, breakMs };
    this.#transition(key, target, open, requestId);
  }

  /** Records a closed-state outcome; true when it should open the breaker. */
  #tripped(
    key: string,
    closed: Extract<BreakerSnapshot, { state: 'closed' }>,
    failed: boolean,
  ): boolean {
    const options = this.#options;
    if (options.kind === 'consecutive') {
      const failures = failed ? closed.failures + 1 : 0;
      if (failed && failures >= options.consecutiveFailures) return true;
      if (failures !== closed.failures) this.#breakers.set(key, { state: 'closed', failures });
      return false;
    }
    const window = this.#windowOf(key);
    window.add(TOTAL);
    if (failed) window.add(FAILED);
    const total = window.sum(TOTAL);
    if (!failed || total < options.minimumThroughput) return false;
    // The window's pth percentile is past the threshold once more than (100 - p)% were slower.
    return options.kind === 'latency'
      ? window.sum(FAILED) * 100 > total * (100 - (options.percentile ?? 95))
      : window.sum(FAILED) / total >= options.failureRatio;
  }
}
