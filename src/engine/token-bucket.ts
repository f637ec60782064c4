/**
 * @module engine/token-bucket
 * A token bucket refilled continuously, as providers meter requests and tokens per minute (and
 * as the engine meters itself to stay under their limits).
 * Refill is computed lazily from the clock, so an idle bucket costs nothing.
 */

/** A bucket of `capacity` tokens refilled at `capacity` per minute. */
export class TokenBucket {
  readonly capacity: number;
  #level: number;
  #updatedAt: number;
  readonly #perMs: number;

  constructor(perMinute: number, now: number) {
    this.capacity = perMinute;
    this.#level = perMinute;
    this.#updatedAt = now;
    this.#perMs = perMinute / 60_000;
  }

  #refill(now: number): void {
    if (now > this.#updatedAt) {
      this.#level = Math.min(this.capacity, this.#level + (now - this.#updatedAt) * this.#perMs);
      this.#updatedAt = now;
    }
  }

  /** Tokens available now. */
  remaining(now: number): number {
    this.#refill(now);
    return Math.floor(this.#level);
  }

  /** Milliseconds until `amount` tokens are available (0 if they are now). */
  waitFor(amount: number, now: number): number {
    this.#refill(now);
    const missing = Math.min(amount, this.capacity) - this.#level;
    return missing <= 0 ? 0 : missing / this.#perMs;
  }

  /** Takes `amount` tokens (the level may go negative for a request larger than the bucket). */
  take(amount: number, now: number): void {
    this.#refill(now);
    this.#level -= amount;
  }

  /** Milliseconds until the bucket is full again. */
  resetMs(now: number): number {
    this.#refill(now);
    return (this.capacity - this.#level) / this.#perMs;
  }
}
