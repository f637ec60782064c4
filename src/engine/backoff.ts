/**
 * @module engine/backoff
 * Exponential backoff with jitter. Pure: the caller supplies the retry number and the rng.
 */
import type { Rng } from './rng.js';

/** Backoff options, already in milliseconds. */
export interface BackoffOptions {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly jitter: 'full' | 'equal' | 'none';
}

/**
 * The delay before retry number `retry` (1 for the first retry): `base * 2^(retry-1)` capped at
 * `max`, then jittered so that clients failing together do not retry together.
 */
export function backoffDelay(options: BackoffOptions, retry: number, rng: Rng): number {
  const exponential = Math.min(
    options.maxDelayMs,
    options.baseDelayMs * 2 ** Math.max(0, retry - 1),
  );
  switch (options.jitter) {
    case 'none':
      return exponential;
    case 'equal':
      return exponential / 2 + rng.next() * (exponential / 2);
    case 'full':
      return rng.next() * exponential;
  }
}
