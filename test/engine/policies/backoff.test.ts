import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/engine/policies/backoff.js';
import { RetryBudget } from '../../../src/engine/policies/retry-budget.js';
import { seededRng } from '../../../src/seeded-rng.js';
import { VirtualClock } from '../../../src/simulator/virtual-clock.js';

const rngOf = (u: number) => ({ next: () => u });

describe('backoffDelay', () => {
  it('doubles without jitter and stops at the cap', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1_000, jitter: 'none' as const };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(options, n, rngOf(0.5)))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
  });

  it('keeps every jitter within its bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        fc.integer({ min: 1, max: 5_000 }),
        (retry, u, previous) => {
          const base = { baseDelayMs: 100, maxDelayMs: 5_000 };
          const exp = Math.min(5_000, 100 * 2 ** (retry - 1));
          const full = backoffDelay({ ...base, jitter: 'full' }, retry, rngOf(u));
          const equal = backoffDelay({ ...base, jitter: 'equal' }, retry, rngOf(u));
          const decorrelated = backoffDelay(
            { ...base, jitter: 'decorrelated' },
            retry,
            rngOf(u),
            previous,
          );
          expect(full).toBeGreaterThanOrEqual(0);
          expect(full).toBeLessThanOrEqual(exp);
          expect(equal).toBeGreaterThanOrEqual(exp / 2);
          expect(equal).toBeLessThanOrEqual(exp);
          expect(decorrelated).toBeGreaterThanOrEqual(Math.min(100, 5_000));
          expect(decorrelated).toBeLessThanOrEqual(Math.min(5_000, Math.max(100, previous * 3)));
        },
      ),
    );
  });

  it('spreads full jitter across the range', () => {
    const rng = seededRng(9, 'jitter');
    const delays = Array.from({ length: 1_000 }, () =>
      backoffDelay({ baseDelayMs: 1_000, maxDelayMs: 1_000, jitter: 'full' }, 1, rng),
    );
    expect(Math.min(...delays)).toBeLessThan(50);
    expect(Math.max(...delays)).toBeGreaterThan(950);
  });
});

describe('RetryBudget', () => {
  it('allows retries up to its share of requests in the window, then again after it', () => {
    const clock = new VirtualClock(0);
    const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 0, windowMs: 10_000 }, clock);
    for (let i = 0; i < 10; i++) budget.recordRequest();
    expect([budget.tryAcquire(), budget.tryAcquire(), budget.tryAcquire()]).toEqual([
      true,
      true,
      false,
    ]);
    clock.setTimer(11_000, () => {
      for (let i = 0; i < 5; i++) budget.recordRequest();
      expect(budget.tryAcquire()).toBe(true);
      expect(budget.tryAcquire()).toBe(false);
    });
    return clock.run();
  });

  it('always allows the floor per second', () => {
    const budget = new RetryBudget(
      { ratio: 0, minPerSecond: 1, windowMs: 5_000 },
      new VirtualClock(0),
    );
    const granted = Array.from({ length: 8 }, () => budget.tryAcquire()).filter(Boolean).length;
    expect(granted).toBe(5);
  });
});
