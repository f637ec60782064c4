import { describe, expect, it } from 'vitest';
import { exponential, sample, sampleCount } from '../../src/scenario/sample.js';
import { seededRng } from '../../src/seeded-rng.js';

function draws(n: number, draw: () => number): number[] {
  return Array.from({ length: n }, draw).sort((a, b) => a - b);
}

describe('sampling', () => {
  it('draws nothing for a constant, so a constant never shifts the stream', () => {
    const rng = seededRng(1, 'x');
    const twin = seededRng(1, 'x');
    expect(sample(7, rng)).toBe(7);
    expect(sample({ dist: 'constant', value: 3 }, rng)).toBe(3);
    expect(rng.next()).toBe(twin.next());
  });

  it('puts a lognormal’s median and p95 where the scenario says', () => {
    const rng = seededRng(7, 'lognormal');
    const sorted = draws(20_000, () => sample({ dist: 'lognormal', median: 400, p95: 1_200 }, rng));
    expect(sorted[10_000]).toBeGreaterThan(380);
    expect(sorted[10_000]).toBeLessThan(420);
    expect(sorted[19_000]).toBeGreaterThan(1_120);
    expect(sorted[19_000]).toBeLessThan(1_280);
  });

  it('keeps a uniform within its bounds and a count whole and non-negative', () => {
    const rng = seededRng(3, 'uniform');
    const sorted = draws(1_000, () => sample({ dist: 'uniform', min: 2, max: 4 }, rng));
    expect(sorted[0]).toBeGreaterThanOrEqual(2);
    expect(sorted.at(-1)).toBeLessThan(4);
    expect(sampleCount(-3, rng)).toBe(0);
    expect(Number.isInteger(sampleCount({ dist: 'uniform', min: 0, max: 9 }, rng))).toBe(true);
  });

  it('draws exponential gaps with the mean asked for', () => {
    const rng = seededRng(5, 'gaps');
    const mean = draws(20_000, () => exponential(250, rng)).reduce((a, b) => a + b, 0) / 20_000;
    expect(mean).toBeGreaterThan(240);
    expect(mean).toBeLessThan(260);
  });
});
