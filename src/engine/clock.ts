/**
 * @module engine/clock
 * The time source every policy uses. The simulator injects a virtual clock; production uses
 * {@link systemClock}. Nothing in the engine reads wall time any other way.
 */

/** A handle that cancels what it was returned for. */
export interface Disposable {
  dispose(): void;
}

/** An injectable source of time and timers. */
export interface Clock {
  /** Milliseconds since the Unix epoch, as this clock sees it (fractions allowed). */
  now(): number;
  /**
   * Calls `fn` once, `ms` from now, unless the returned handle is disposed first.
   * `ms` of `Infinity` never fires.
   */
  setTimer(ms: number, fn: () => void): Disposable;
}

/** Thrown into a sleeper when its signal aborts; carries the signal's reason. */
export class SleepAbortedError extends Error {
  readonly code = 'SLEEP_ABORTED' as const;
  constructor(cause: unknown) {
    super('sleep aborted', { cause });
    this.name = 'SleepAbortedError';
  }
}

/**
 * Resolves after `ms` on `clock`, or rejects with {@link SleepAbortedError} when `signal`
 * aborts first. A sleep of `Infinity` ends only through the signal.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.reject(new SleepAbortedError(signal.reason));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      timer.dispose();
      reject(new SleepAbortedError(signal?.reason));
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
