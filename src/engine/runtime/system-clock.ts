/**
 * @module engine/runtime/system-clock
 * The real clock and the unseeded rng: the only place in the engine that reads wall time, arms
 * real timers or draws unseeded randomness. Production uses them; drills inject seeded twins.
 */
import type { Clock, Disposable } from '../clock.js';
import type { Rng } from '../rng.js';

const NEVER: Disposable = { dispose() {} };

/** The longest delay `setTimeout` takes; past it Node fires after 1 ms instead. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * A real timer for any finite delay: one longer than `setTimeout` takes (about 24.8 days) is
 * armed in steps, rather than firing at once as Node would.
 */
export function wallTimer(ms: number, fn: () => void): Disposable {
  if (!Number.isFinite(ms)) return NEVER;
  let handle: ReturnType<typeof setTimeout>;
  const arm = (left: number): void => {
    handle =
      left > MAX_TIMEOUT_MS
        ? setTimeout(() => arm(left - MAX_TIMEOUT_MS), MAX_TIMEOUT_MS)
        : setTimeout(fn, Math.max(0, left));
  };
  arm(ms);
  return { dispose: () => clearTimeout(handle) };
}

/** Wall-clock time and real timers, for production use and live mode. */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimer: wallTimer,
};

/** Unseeded randomness (jitter in production, where replay is not wanted). */
export const systemRng: Rng = { next: () => Math.random() };
