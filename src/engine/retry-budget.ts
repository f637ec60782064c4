/**
 * @module engine/retry-budget
 * Caps retries at a share of recent traffic, so that when a provider fails for everyone the
 * retries do not multiply the load into a storm. A floor of retries per second keeps a quiet
 * service able to retry at all.
 */
import type { Clock } from './clock.js';

/** Budget options, in base units. */
export interface RetryBudgetOptions {
  /** Retries allowed per request in the window (0.2: one retry per five requests). */
  readonly ratio: number;
  /** Retries allowed per second whatever the traffic. */
  readonly minPerSecond: number;
  /** The sliding window, in ms. */
  readonly windowMs: number;
}

const SLOTS = 10;

/** A sliding-window retry budget on the injected clock. */
export class RetryBudget {
  readonly #options: RetryBudgetOptions;
  readonly #clock: Clock;
  readonly #slotMs: number;
  readonly #requests = new Array<number>(SLOTS).fill(0);
  readonly #retries = new Array<number>(SLOTS).fill(0);
  #slot = 0;
  #slotStart: number;

  constructor(options: RetryBudgetOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
    this.#slotMs = options.windowMs / SLOTS;
    this.#slotStart = clock.now();
  }

  #advance(): void {
    const now = this.#clock.now();
    const steps = Math.min(SLOTS, Math.floor((now - this.#slotStart) / this.#slotMs));
    for (let i = 0; i < steps; i++) {
      this.#slot = (this.#slot + 1) % SLOTS;
      this.#requests[this.#slot] = 0;
      this.#retries[this.#slot] = 0;
    }
    if (steps > 0)
      this.#slotStart += Math.floor((now - this.#slotStart) / this.#slotMs) * this.#slotMs;
  }

  /** Counts a first attempt. */
  recordRequest(): void {
    this.#advance();
    this.#requests[this.#slot] = (this.#requests[this.#slot] ?? 0) + 1;
  }

  /** Takes one retry from the budget; false when the window's share is spent. */
  tryAcquire(): boolean {
    this.#advance();
    const requests = this.#requests.reduce((a, b) => a + b, 0);
    const retries = this.#retries.reduce((a, b) => a + b, 0);
    const allowed =
      this.#options.minPerSecond * (this.#options.windowMs / 1_000) +
      this.#options.ratio * requests;
    if (retries + 1 > allowed) return false;
    this.#retries[this.#slot] = (this.#retries[this.#slot] ?? 0) + 1;
    return true;
  }
}
