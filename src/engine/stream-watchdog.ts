/**
 * @module engine/stream-watchdog
 * Time limits that only a stream has: the first content token must come within
 * `firstTokenMs` of the attempt's start, and no gap between chunks may exceed `streamIdleMs`.
 * Either one aborts the attempt like its own timeout, so the router can move on.
 */
import type { Clock, Disposable } from './clock.js';

/** Stream limits in ms; a limit left out is not enforced. */
export interface StreamLimits {
  readonly firstTokenMs?: number | undefined;
  readonly streamIdleMs?: number | undefined;
}

/** The reason a stream attempt's signal carries when a stream limit runs out. */
export class StreamTimeoutError extends Error {
  /** Classified like the attempt timeout: the attempt ran out of time. */
  readonly code = 'ATTEMPT_TIMEOUT' as const;
  readonly limit: 'first-token' | 'stream-idle';
  constructor(limit: 'first-token' | 'stream-idle', ms: number) {
    super(
      limit === 'first-token'
        ? `no first token within ${Math.round(ms)}ms`
        : `the stream was idle for ${Math.round(ms)}ms`,
    );
    this.name = 'StreamTimeoutError';
    this.limit = limit;
  }
}

/** Watches one stream attempt; `signal` aborts with the parent's or with its own reason. */
export class StreamWatchdog {
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  readonly #clock: Clock;
  readonly #limits: StreamLimits;
  #timer: Disposable | undefined;
  #sawContent = false;

  constructor(clock: Clock, limits: StreamLimits, parent: AbortSignal) {
    this.#clock = clock;
    this.#limits = limits;
    this.signal = AbortSignal.any([parent, this.#controller.signal]);
    const first = limits.firstTokenMs;
    if (first !== undefined)
      this.#timer = clock.setTimer(first, () =>
        this.#controller.abort(new StreamTimeoutError('first-token', first)),
      );
  }

  /** Tells the watchdog a chunk arrived, and whether the answer now has content. */
  onChunk(hasContent: boolean): void {
    if (!this.#sawContent && hasContent) this.#sawContent = true;
    // Before the first token only the first-token limit runs (when there is one).
    if (!this.#sawContent && this.#limits.firstTokenMs !== undefined) return;
    this.#timer?.dispose();
    const idle = this.#limits.streamIdleMs;
    this.#timer =
      idle === undefined
        ? undefined
        : this.#clock.setTimer(idle, () =>
            this.#controller.abort(new StreamTimeoutError('stream-idle', idle)),
          );
  }

  dispose(): void {
    this.#timer?.dispose();
  }
}
