/**
 * @module engine/policies/retry
 * Retries transient failures on the same target with exponential backoff and jitter, honouring
 * the provider's Retry-After up to a cap. A Retry-After longer than the cap, or a retry that
 * would miss the deadline, gives up on the target so the router can fail over; so does a retry
 * the retry budget refuses.
 */
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { sleep } from '../clock.js';
import type { AttemptContext, AttemptFn, Policy, PolicyEnv } from '../policy.js';
import type { RetryBudget } from './retry-budget.js';
import type { AttemptFailure, AttemptOutcome } from '../types.js';

/** Retry options, in milliseconds. */
export interface RetryOptions extends BackoffOptions {
  /** Attempts per target, the first included. */
  readonly maxAttempts: number;
  /** A Retry-After longer than this is not waited for. */
  readonly retryAfterCapMs: number;
  /** Shared by all requests; the engine counts requests into it. */
  readonly budget?: RetryBudget;
  /** Which transient failures to retry; all of them when left out. */
  readonly retryOn?: RetryOn;
}

/** The transient failures worth another try on the same target. */
export interface RetryOn {
  readonly statuses: readonly number[];
  readonly network: boolean;
  readonly timeout: boolean;
  readonly stream: boolean;
  /** Answers judged invalid; retried unless said otherwise. */
  readonly invalid?: boolean;
}

function retryable(outcome: AttemptFailure, on: RetryOn | undefined): boolean {
  if (outcome.failureClass !== 'transient') return false;
  if (on === undefined) return true;
  switch (outcome.reason) {
    case 'http-status':
      return outcome.status !== undefined && on.statuses.includes(outcome.status);
    case 'network':
      return on.network;
    case 'timeout':
      return on.timeout;
    case 'stream-cut':
    case 'stream-malformed':
      return on.stream;
    case 'invalid-answer':
      return on.invalid ?? true;
    default:
      return false;
  }
}

/** Creates the retry policy. */
export function retry(options: RetryOptions, env: PolicyEnv): Policy {
  return {
    name: 'retry',
    async execute(ctx: AttemptContext, next: AttemptFn): Promise<AttemptOutcome> {
      let previousDelay: number | undefined;
      for (let attempt = 1; ; attempt++) {
        const outcome = await next(ctx);
        if (outcome.ok || !retryable(outcome, options.retryOn) || attempt >= options.maxAttempts) {
          return outcome;
        }
        const backoff = backoffDelay(options, attempt, env.rng, previousDelay);
        const asked = outcome.retryAfterMs;
        if (asked !== undefined && asked > options.retryAfterCapMs) return outcome;
        const delayMs = asked === undefined ? backoff : Math.max(asked, backoff);
        const now = env.clock.now();
        if (now + delayMs >= ctx.state.deadline) return outcome;
        if (options.budget !== undefined && !options.budget.tryAcquire()) {
          if (env.events.active) {
            env.events.emit({
              type: 'retry:denied',
              at: now,
              requestId: ctx.request.id,
              target: ctx.target,
              reason: 'budget',
            });
          }
          return outcome;
        }
        previousDelay = delayMs;
        if (env.events.active) {
          env.events.emit({
            type: 'retry:scheduled',
            at: now,
            requestId: ctx.request.id,
            target: ctx.target,
            attempt: ctx.state.attempts,
            delayMs,
            fromRetryAfter: asked !== undefined && asked >= backoff,
          });
        }
        try {
          await sleep(env.clock, delayMs, ctx.signal);
        } catch {
          return outcome;
        }
      }
    },
  };
}
