/**
 * The real clock's timers: a delay longer than `setTimeout` takes (about 24.8 days) fires when
 * it is due, not after 1 ms as Node's own timer would.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { wallTimer } from '../../../src/engine/runtime/system-clock.js';

const DAY = 86_400_000;

describe('wallTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires a 30-day timer after 30 days, not at once', () => {
    const fired = vi.fn();
    wallTimer(30 * DAY, fired);
    vi.advanceTimersByTime(1_000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30 * DAY - 1_001);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('never fires once disposed, in any step, nor for an infinite delay', () => {
    const fired = vi.fn();
    const timer = wallTimer(30 * DAY, fired);
    vi.advanceTimersByTime(26 * DAY);
    timer.dispose();
    wallTimer(Number.POSITIVE_INFINITY, fired);
    vi.advanceTimersByTime(10 * DAY);
    expect(fired).not.toHaveBeenCalled();
  });
});
