import { describe, expect, it } from 'vitest';
import { arrivalTimes } from '../../src/simulator/traffic.js';
import { expectedArrivals, rateAt, rateFunction } from '../../src/scenario/arrival-rate.js';
import type { ArrivalsSpec } from '../../src/scenario/schema.js';
import { seededRng } from '../../src/seeded-rng.js';

const perMs = (perHour: number): number => perHour / 3_600_000;
const HOUR = 3_600_000;

const SHAPES: [string, ArrivalsSpec][] = [
  ['poisson', { shape: 'poisson', rate: perMs(3_600) }],
  ['ramp', { shape: 'ramp', from: perMs(1_000), to: perMs(5_000) }],
  [
    'spike',
    { shape: 'spike', rate: perMs(1_000), peak: perMs(10_000), at: HOUR / 4, for: HOUR / 4 },
  ],
  [
    'diurnal',
    { shape: 'diurnal', min: perMs(1_000), max: perMs(3_000), period: HOUR, peakAt: HOUR / 2 },
  ],
  [
    'steps',
    {
      shape: 'steps',
      steps: [
        { at: 0, rate: perMs(2_000) },
        { at: HOUR / 2, rate: perMs(6_000) },
      ],
    },
  ],
];

describe('arrival rates', () => {
  it('follow each shape over the drill', () => {
    const [, ramp] = SHAPES[1] as [string, ArrivalsSpec];
    expect(rateAt(ramp, HOUR / 2, HOUR)).toBeCloseTo(perMs(3_000));
    const [, spike] = SHAPES[2] as [string, ArrivalsSpec];
    expect(rateAt(spike, HOUR / 4, HOUR)).toBeCloseTo(perMs(10_000));
    expect(rateAt(spike, HOUR / 2, HOUR)).toBeCloseTo(perMs(1_000));
    const [, diurnal] = SHAPES[3] as [string, ArrivalsSpec];
    expect(rateAt(diurnal, HOUR / 2, HOUR)).toBeCloseTo(perMs(3_000));
    expect(rateAt(diurnal, 0, HOUR)).toBeCloseTo(perMs(1_000));
    const [, steps] = SHAPES[4] as [string, ArrivalsSpec];
    expect(rateFunction(steps, HOUR).max).toBeCloseTo(perMs(6_000));
  });

  it.each(SHAPES)(
    'expect as many requests from a %s drill as the traffic actually sends, within a few percent',
    (_, arrivals) => {
      const expected = expectedArrivals(arrivals, HOUR);
      const traffic = { arrivals, spacing: 'poisson' } as Parameters<typeof arrivalTimes>[0];
      const sent = [...arrivalTimes(traffic, HOUR, seededRng(11, 'traffic'))].length;
      expect(Math.abs(sent - expected) / expected).toBeLessThan(0.06);
    },
  );
});
