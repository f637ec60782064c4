/**
 * @module engine/policies/retry-budget
 * Caps retries at a share of recent traffic, so that when a provider fails for everyone the
 * retries do not multiply the load into a storm. A floor of retries per second keeps a quiet
 * service able to retry at all.
 */
import type { Clock } from '../clock.js';
import { SlidingWindow } from '../sliding-window.js';

/** Budget options, in base units. */
export interface RetryBudgetOptions {
  /** Retries allowed per request in the window (0.2: one retry per five requests). */
  readonly ratio: number;
  /** Retries allowed per second whatever the traffic. */
  readonly minPerSecond: number;
  /** The sliding window, in ms. */
  readonly windowMs: number;
}

const REQUESTS = 0;
const RETRIES = 1;

/** A sliding-window retry budget on the injected clock. */
export class RetryBudget {
  readonly #options: RetryBudgetOptions;
  readonly #window: SlidingWindow;

  constructor(options: RetryBudgetOptions, clock: Clock) {
    this.#options = options;
    this.#window = new SlidingWindow(clock, options.windowMs, 2);
  }

  /** Counts a first attempt. */
  recordRequest(): void {
    this.#window.add(REQUESTS);
  }

  /** Takes one retry from the budget; false when the window's share is spent. */
  tryAcquire(): boolean {
    const allowed =
      this.#options.minPerSecond * (this.#options.windowMs / 1_000) +
      this.#options.ratio * this.#window.sum(REQUESTS);
    if (this.#window.sum(RETRIES) + 1 > allowed) return false;
    this.#window.add(RETRIES);
    return true;
  }
}
