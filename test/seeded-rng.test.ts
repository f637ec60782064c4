import { describe, expect, it } from 'vitest';
import { seededRng } from '../src/seeded-rng.js';

const first = (seed: number, stream: string, n = 5): number[] => {
  const rng = seededRng(seed, stream);
  return Array.from({ length: n }, () => rng.next());
};

describe('seeded streams', () => {
  it('repeat for the same seed and name', () => {
    expect(first(42, 'traffic')).toEqual(first(42, 'traffic'));
  });

  it('differ between names and between seeds, so a new stream reshuffles no other', () => {
    expect(first(42, 'traffic')).not.toEqual(first(42, 'provider:primary'));
    expect(first(42, 'traffic')).not.toEqual(first(43, 'traffic'));
  });

  it('draw in [0, 1)', () => {
    for (const x of first(9, 'range', 10_000)) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
