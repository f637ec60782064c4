/**
 * @module engine/system-clock
 * The real clock: the only place in the engine that reads wall time or arms real timers.
 */
import type { Clock, Disposable } from './clock.js';

const NEVER: Disposable = { dispose() {} };

/** Wall-clock time and real timers, for production use and live mode. */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimer(ms, fn) {
    if (!Number.isFinite(ms)) return NEVER;
    const handle = setTimeout(fn, Math.max(0, ms));
    return { dispose: () => clearTimeout(handle) };
  },
};
