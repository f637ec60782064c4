/**
 * @module engine/policy
 * The policy contract: middleware around one attempt on one target. Policies return outcomes;
 * they never throw for a provider's failure.
 */
import type { Clock } from './clock.js';
import type { EventHub } from './events.js';
import type { Rng } from './rng.js';
import type { AttemptOutcome, ChatRequest, Target } from './types.js';

/** Request-wide bookkeeping shared by every attempt of one caller request. */
export interface RequestState {
  /** Attempts started so far, across all targets. */
  attempts: number;
  /** Clock time after which no new attempt may start and running ones are cut. */
  readonly deadline: number;
  readonly startedAt: number;
  /**
   * The answer so far of a stream that broke, and the attempts it came from, when the config
   * continues broken streams.
   */
  partial?: { readonly text: string; readonly attempts: readonly number[] };
}

/** What a policy sees of the attempt it wraps. */
export interface AttemptContext {
  readonly request: ChatRequest;
  readonly target: Target;
  /** Aborts when the caller gives up or the request deadline passes. */
  readonly signal: AbortSignal;
  readonly state: RequestState;
}

/** Runs one attempt (or whatever the inner policies make of it). */
export type AttemptFn = (ctx: AttemptContext) => Promise<AttemptOutcome>;

/** What every policy is given besides its own options. */
export interface PolicyEnv {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly events: EventHub;
}

/** A composable resilience policy. */
export interface Policy {
  readonly name: string;
  execute(ctx: AttemptContext, next: AttemptFn): Promise<AttemptOutcome>;
}

/**
 * Composes policies outermost first: `wrap(retry, breaker, timeout)` retries around the breaker,
 * which guards each timed attempt.
 */
export function wrap(
  ...policies: readonly Policy[]
): (ctx: AttemptContext, terminal: AttemptFn) => Promise<AttemptOutcome> {
  return (ctx, terminal) => {
    const run = (index: number, c: AttemptContext): Promise<AttemptOutcome> => {
      const policy = policies[index];
      if (policy === undefined) return terminal(c);
      return policy.execute(c, (inner) => run(index + 1, inner));
    };
    return run(0, ctx);
  };
}
