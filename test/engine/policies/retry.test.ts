/**
 * The retry policy by name, beside the contract suite every policy passes: retries against
 * Retry-After, its cap, the deadline and the retry budget.
 */
import { describe, expect, it } from 'vitest';
import type { AttemptFn } from '../../../src/engine/policy.js';
import { retry, type RetryOptions } from '../../../src/engine/policies/retry.js';
import { RetryBudget } from '../../../src/engine/policies/retry-budget.js';
import type { AttemptOutcome } from '../../../src/engine/types.js';
import type { VirtualClock } from '../../../src/simulator/virtual-clock.js';
import { FAILED, OK, world } from '../../support/policy-world.js';

describe('retry', () => {
  const options: RetryOptions = {
    maxAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    jitter: 'none',
    retryAfterCapMs: 10_000,
  };

  /** Answers each attempt from `outcomes` in turn, noting when it began. */
  function script(clock: VirtualClock, outcomes: AttemptOutcome[], starts: number[]): AttemptFn {
    return () => {
      starts.push(clock.now());
      return Promise.resolve(outcomes.shift() ?? OK);
    };
  }

  it('retries a transient failure after the backoff, up to maxAttempts', async () => {
    const w = world();
    const starts: number[] = [];
    const policy = retry(options, w.env);
    const outcome = await w.run(
      (next) => policy.execute(w.ctx, next),
      script(w.clock, [FAILED(), FAILED(), FAILED()], starts),
    );
    expect(outcome.ok).toBe(false);
    expect(starts).toEqual([0, 100, 300]);
  });

  it('waits for Retry-After when it is longer than the backoff, and gives up past the cap', async () => {
    const w = world();
    const starts: number[] = [];
    const policy = retry(options, w.env);
    const outcome = await w.run(
      (next) => policy.execute(w.ctx, next),
      script(w.clock, [FAILED({ retryAfterMs: 2_000 }), OK], starts),
    );
    expect(outcome.ok).toBe(true);
    expect(starts).toEqual([0, 2_000]);

    const capped = world();
    const cappedStarts: number[] = [];
    await capped.run(
      (next) => retry(options, capped.env).execute(capped.ctx, next),
      script(capped.clock, [FAILED({ retryAfterMs: 60_000 }), OK], cappedStarts),
    );
    expect(cappedStarts).toEqual([0]);
  });

  it('does not retry a refusal, nor past the deadline, nor beyond the budget', async () => {
    const refused = world();
    const refusedStarts: number[] = [];
    await refused.run(
      (next) => retry(options, refused.env).execute(refused.ctx, next),
      script(
        refused.clock,
        [FAILED({ status: 400, failureClass: 'invalid-request' })],
        refusedStarts,
      ),
    );
    expect(refusedStarts).toEqual([0]);

    const late = world(50);
    const lateStarts: number[] = [];
    await late.run(
      (next) => retry(options, late.env).execute(late.ctx, next),
      script(late.clock, [FAILED()], lateStarts),
    );
    expect(lateStarts).toEqual([0]);

    const budgeted = world();
    const budgetStarts: number[] = [];
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 0, windowMs: 10_000 }, budgeted.clock);
    await budgeted.run(
      (next) => retry({ ...options, budget }, budgeted.env).execute(budgeted.ctx, next),
      script(budgeted.clock, [FAILED(), OK], budgetStarts),
    );
    expect(budgetStarts).toEqual([0]);
    expect(budgeted.events.map((e) => e.type)).toContain('retry:denied');
  });
});
