import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/engine/clock.js';
import { SlidingWindow } from '../../src/engine/sliding-window.js';
import { RetryBudget } from '../../src/engine/policies/retry-budget.js';

function manualClock(): Clock & { at: number } {
  const clock = {
    at: 0,
    now: () => clock.at,
    setTimer: () => ({ dispose: () => undefined }),
  };
  return clock;
}

describe('a sliding window of counters', () => {
  it('sums what was counted within the window and forgets what fell out of it', () => {
    const clock = manualClock();
    const window = new SlidingWindow(clock, 10_000, 2);
    window.add(0, 3);
    window.add(1);
    clock.at = 5_000;
    window.add(0, 2);
    expect(window.sum(0)).toBe(5);
    expect(window.sum(1)).toBe(1);
    clock.at = 12_000;
    expect(window.sum(0)).toBe(2);
    clock.at = 60_000;
    expect(window.sum(0)).toBe(0);
  });

  it('forgets everything on reset', () => {
    const window = new SlidingWindow(manualClock(), 10_000, 1);
    window.add(0, 4);
    window.reset();
    expect(window.sum(0)).toBe(0);
  });
});

describe('the retry budget', () => {
  it('allows minPerSecond retries over the window plus ratio of the requests, then refuses', () => {
    const clock = manualClock();
    const budget = new RetryBudget({ ratio: 0.5, minPerSecond: 0.2, windowMs: 10_000 }, clock);
    for (let i = 0; i < 4; i++) budget.recordRequest();
    // 0.2/s × 10 s + 50% of 4 requests = 4 retries.
    const granted = Array.from({ length: 6 }, () => budget.tryAcquire());
    expect(granted).toEqual([true, true, true, true, false, false]);
    clock.at = 20_000;
    expect(budget.tryAcquire()).toBe(true);
  });
});
