/**
 * @module engine/abort-race
 * An attempt's awaits raced against its abort signal, with one listener for the whole attempt.
 */

/** What {@link AbortRace.race} gives when the signal aborted first. */
export const ABORTED = Symbol('aborted');

/**
 * Races an attempt's awaits against its signal with one abort listener for the whole attempt
 * (not one per await: an attempt awaits once per stream chunk, and listeners are not free).
 */
export class AbortRace {
  readonly #signal: AbortSignal;
  readonly #aborted: Promise<typeof ABORTED>;
  readonly #onAbort: () => void;

  constructor(signal: AbortSignal) {
    this.#signal = signal;
    let resolve!: (value: typeof ABORTED) => void;
    this.#aborted = new Promise((r) => (resolve = r));
    this.#onAbort = () => resolve(ABORTED);
    if (signal.aborted) resolve(ABORTED);
    else signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The promise's value, or {@link ABORTED} as soon as the signal aborts. */
  async race<T>(promise: Promise<T>): Promise<T | typeof ABORTED> {
    // The loser may reject later; nobody waits for it.
    promise.catch(() => undefined);
    try {
      return await Promise.race([promise, this.#aborted]);
    } catch (error) {
      if (this.#signal.aborted) return ABORTED;
      throw error;
    }
  }

  dispose(): void {
    this.#signal.removeEventListener('abort', this.#onAbort);
  }
}
