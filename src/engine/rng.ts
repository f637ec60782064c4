/**
 * @module engine/rng
 * The randomness the engine needs (jitter, weighted picks), injected so a drill replays exactly.
 */

/** A source of uniform numbers in [0, 1). */
export interface Rng {
  next(): number;
}
