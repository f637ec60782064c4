/**
 * Sweeps: the Wilson interval against known values, the quantifier of the SLO language, and a
 * sweep's verdicts, worst seeds and distributions from per-seed rows.
 */
import { describe, expect, it } from 'vitest';
import { buildSweep, wilsonInterval } from '../../src/report/sweep.js';
import { sweepSchema } from '../../src/report/sweep-schema.js';
import { parseSlo, type Slo } from '../../src/scenario/slo.js';

describe('wilsonInterval', () => {
  it('matches the textbook values', () => {
    // 0 of 100: [0, 3.70%]; 0 of 10: [0, 27.75%]; 5 of 10: [23.66%, 76.34%].
    expect(wilsonInterval(0, 100).map((x) => +x.toFixed(4))).toEqual([0, 0.037]);
    expect(wilsonInterval(0, 10).map((x) => +x.toFixed(4))).toEqual([0, 0.2775]);
    expect(wilsonInterval(5, 10).map((x) => +x.toFixed(4))).toEqual([0.2366, 0.7634]);
    expect(wilsonInterval(10, 10)[1]).toBeCloseTo(1, 12);
  });
});

describe('the SLO quantifier', () => {
  it('reads "in N% of seeds" as the share of seeds an SLO must hold in', () => {
    expect(parseSlo('availability >= 99.9% in 99% of seeds')).toEqual({
      name: 'availability >= 99.9% in 99% of seeds',
      metric: 'availability',
      family: 'availability',
      op: '>=',
      threshold: 0.999,
      share: 0.99,
    });
    expect(parseSlo('latency.p95 <= 2s')).not.toHaveProperty('share');
  });

  it.each([
    'availability >= 99% in 0% of seeds',
    'availability >= 99% in 120% of seeds',
    'availability >= 99% in most of seeds',
  ])('refuses %s', (text) => {
    expect(parseSlo(text)).toMatch(/is not a share of seeds/);
  });
});

const slo = (text: string): Slo => parseSlo(text) as Slo;

describe('buildSweep', () => {
  const slos = [slo('availability >= 99%'), slo('latency.p95 <= 2s in 75% of seeds')];
  const row = (seed: number, availability: number, p95: number) => ({
    seed,
    availability,
    failed: Math.round((1 - availability) * 100),
    'latency.p95': p95,
    'latency.p99': p95 * 2,
    cost: seed / 100,
    slos: [
      { name: slos[0]!.name, actual: availability, pass: availability >= 0.99 },
      { name: slos[1]!.name, actual: p95, pass: p95 <= 2000 },
    ],
  });
  const sweep = buildSweep({
    scenario: 's',
    file: 's.yaml',
    drilled: 'engine',
    rows: [row(1, 1, 1500), row(2, 0.98, 2500), row(3, 0.995, 1800), row(4, 1, 1900)],
    slos,
    replay: (seed) => `npx failover-drill run s.yaml --seed ${seed}`,
  });

  it('judges each SLO on its share of seeds, with the worst seed and its replay', () => {
    expect(sweepSchema.parse(sweep)).toEqual(sweep);
    const [availability, latency] = sweep.slos;
    expect(availability).toMatchObject({ held: 3, share: 1, breachRate: 0.25, pass: false });
    expect(availability!.worst).toEqual({
      seed: 2,
      actual: 0.98,
      replay: 'npx failover-drill run s.yaml --seed 2',
    });
    expect(latency).toMatchObject({ held: 3, share: 0.75, pass: true, worst: { seed: 2 } });
    expect(sweep.pass).toBe(false);
    expect(sweep.unjudged).toEqual([]);
  });

  it('lists the SLOs no seed could judge (a subject hides its breakers) as unjudged', () => {
    const hidden = buildSweep({
      scenario: 's',
      file: 's.yaml',
      drilled: 'subject x',
      rows: [row(1, 1, 1500)],
      slos: [...slos, slo('breaker.opens >= 1')],
      replay: (seed) => `replay ${seed}`,
    });
    expect(hidden.unjudged).toEqual(['breaker.opens >= 1']);
    expect(hidden.slos.map((s) => s.name)).toEqual(slos.map((s) => s.name));
  });

  it('gives each figure its distribution over the seeds', () => {
    expect(sweep.figures['latency.p95']).toEqual({
      min: 1500,
      p5: 1500,
      p50: 1800,
      p95: 2500,
      max: 2500,
      mean: 1925,
    });
  });
});
