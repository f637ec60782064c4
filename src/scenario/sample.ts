/**
 * @module scenario/sample
 * Draws from the scenario's distributions with an injected rng.
 */
import type { Rng } from '../engine/rng.js';
import type { Distribution } from './schema.js';

const Z95 = 1.6448536269514722;

/** A standard normal draw (Box-Muller; one of the pair is dropped to stay stateless). */
export function standardNormal(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Draws one value. Constants draw nothing, so they never shift the rng stream. */
export function sample(dist: number | Distribution, rng: Rng): number {
  if (typeof dist === 'number') return dist;
  switch (dist.dist) {
    case 'constant':
      return dist.value;
    case 'uniform':
      return dist.min + rng.next() * (dist.max - dist.min);
    case 'lognormal': {
      const mu = Math.log(Math.max(dist.median, 1e-9));
      const sigma = Math.max(0, (Math.log(Math.max(dist.p95, 1e-9)) - mu) / Z95);
      return Math.exp(mu + sigma * standardNormal(rng));
    }
  }
}

/** Draws a whole, non-negative count. */
export function sampleCount(dist: number | Distribution, rng: Rng): number {
  return Math.max(0, Math.round(sample(dist, rng)));
}

/** An exponential draw with the given mean. */
export function exponential(mean: number, rng: Rng): number {
  return -Math.log(1 - rng.next()) * mean;
}
