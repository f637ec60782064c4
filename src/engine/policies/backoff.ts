/**
 * @module engine/policies/backoff
 * Exponential backoff with jitter. Pure: the caller supplies the retry number, the previous
 * delay (for decorrelated jitter) and the rng.
 */
import type { Rng } from '../rng.js';

/** Backoff options, already in milliseconds. */
export interface BackoffOptions {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly jitter: 'full' | 'equal' | 'decorrelated' | 'none';
}

/**
 * The delay before retry number `retry` (1 for the first retry): `base * 2^(retry-1)` capped at
 * `max`, then jittered so that clients failing together do not retry together. Decorrelated
 * jitter instead draws between `base` and three times the previous delay (capped at `max`).
 */
export function backoffDelay(
  options: BackoffOptions,
  retry: number,
  rng: Rng,
  previousDelayMs?: number,
): number {
  if (options.jitter === 'decorrelated') {
    const base = options.baseDelayMs;
    const upper = Math.max(base, (previousDelayMs ?? base) * 3);
    return Math.min(options.maxDelayMs, base + rng.next() * (upper - base));
  }
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
