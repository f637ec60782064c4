/**
 * @module seeded-rng
 * Seeded random streams. Each consumer (traffic, each provider, the engine) draws from its own
 * stream derived from the seed and the stream's name, so adding a provider does not reshuffle
 * the traffic.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** FNV-1a over the name, mixed with the seed: a stable 32-bit seed per stream. */
function streamSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= Math.floor(seed / 0x1_0000_0000);
  return hash | 0;
}

/** Uniform numbers in [0, 1): the engine's `Rng`, declared here so this file imports nothing. */
export interface SeededStream {
  next(): number;
}

/** A seeded stream of uniform numbers in [0, 1). */
export function seededRng(seed: number, stream: string): SeededStream {
  const generator = xoroshiro128plus(streamSeed(seed, stream));
  return { next: () => uniformFloat64(generator) };
}
