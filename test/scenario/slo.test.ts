import { describe, expect, it } from 'vitest';
import { parseSlo, sloHolds } from '../../src/scenario/slo.js';

describe('SLO expressions', () => {
  it('reads each unit into base units', () => {
    expect(parseSlo('availability >= 99.9%')).toMatchObject({
      metric: 'availability',
      op: '>=',
      threshold: 0.999,
    });
    expect(parseSlo('latency.p95 <= 2s')).toMatchObject({
      metric: 'latency.p95',
      threshold: 2_000,
    });
    expect(parseSlo('cost.total <= $50')).toMatchObject({ metric: 'cost.total', threshold: 50 });
    expect(parseSlo('failover.detection.max <= 200ms')).toMatchObject({ threshold: 200 });
  });

  it('names the known metrics when one is unknown', () => {
    expect(parseSlo('availabilty >= 99%')).toMatch(
      /unknown SLO metric "availabilty".*availability/,
    );
  });

  it('rejects a value in the wrong unit', () => {
    expect(parseSlo('latency.p95 <= 99%')).toMatch(/not a value for latency.p95/);
  });

  it('judges thresholds inclusively for >= and <=', () => {
    const slo = parseSlo('availability >= 99.9%');
    if (typeof slo === 'string') throw new Error(slo);
    expect(sloHolds(slo, 0.999)).toBe(true);
    expect(sloHolds(slo, 0.9989)).toBe(false);
  });
});
