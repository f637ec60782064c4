/**
 * @module engine/sliding-window
 * Counters over a sliding window of time on the injected clock, in ten slots: what happened in
 * roughly the last `windowMs`, in constant memory.
 */
import type { Clock } from './clock.js';

const SLOTS = 10;

/** `width` counters summed over the last `windowMs`. */
export class SlidingWindow {
  readonly #clock: Clock;
  readonly #slotMs: number;
  readonly #slots: number[][];
  #slot = 0;
  #slotStart: number;

  constructor(clock: Clock, windowMs: number, width: number) {
    this.#clock = clock;
    this.#slotMs = Math.max(1, windowMs / SLOTS);
    this.#slots = Array.from({ length: SLOTS }, () => new Array<number>(width).fill(0));
    this.#slotStart = clock.now();
  }

  #advance(): number[] {
    const elapsed = Math.floor((this.#clock.now() - this.#slotStart) / this.#slotMs);
    if (elapsed > 0) {
      for (let i = 0; i < Math.min(SLOTS, elapsed); i++) {
        this.#slot = (this.#slot + 1) % SLOTS;
        (this.#slots[this.#slot] as number[]).fill(0);
      }
      this.#slotStart += elapsed * this.#slotMs;
    }
    return this.#slots[this.#slot] as number[];
  }

  /** Adds `n` to counter `index` now. */
  add(index: number, n = 1): void {
    const slot = this.#advance();
    slot[index] = (slot[index] ?? 0) + n;
  }

  /** Counter `index` summed over the window. */
  sum(index: number): number {
    this.#advance();
    let total = 0;
    for (const slot of this.#slots) total += slot[index] ?? 0;
    return total;
  }

  /** Forgets everything counted so far. */
  reset(): void {
    for (const slot of this.#slots) slot.fill(0);
  }
}
