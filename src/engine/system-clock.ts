/**
 * @module engine/system-clock
 * The real clock and the unseeded rng: the only place in the engine that reads wall time, arms
 * real timers or draws unseeded randomness. Production uses them; drills inject seeded twins.
 */
import type { Clock, Disposable } from './clock.js';
import type { Rng } from './rng.js';

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

/** Unseeded randomness (jitter in production, where replay is not wanted). */
export const systemRng: Rng = { next: () => Math.random() };
