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

  it('reads the metrics that take a parameter: a provider, a target, a span', () => {
    expect(parseSlo('attempts.byProvider.primary <= 3')).toMatchObject({
      metric: 'attempts.byProvider.primary',
      family: 'attempts.byProvider',
      parameter: 'primary',
      threshold: 3,
    });
    expect(parseSlo('attempts.byTarget.backup/claude-sonnet-4.5 == 1')).toMatchObject({
      family: 'attempts.byTarget',
      parameter: 'backup/claude-sonnet-4.5',
    });
    expect(parseSlo('attempts.within.10s.max <= 2')).toMatchObject({
      family: 'attempts.within.max',
      parameter: 10_000,
    });
    expect(parseSlo('retry.firstGap.min >= 2s')).toMatchObject({ threshold: 2_000 });
    expect(parseSlo('failover.recovery.max <= 1m')).toMatchObject({ threshold: 60_000 });
    expect(parseSlo('answers.truncated == 0')).toMatchObject({ family: 'answers.truncated' });
  });

  it('says how to write a parameter that is missing or wrong', () => {
    expect(parseSlo('attempts.byTarget.primary <= 3')).toMatch(
      /names no target: write attempts\.byTarget\.<provider>\/<model>/,
    );
    expect(parseSlo('attempts.within.soon.max <= 3')).toMatch(/"soon" in .* is not a duration/);
    expect(parseSlo('attempts.within.max <= 3')).toMatch(
      /unknown SLO metric.*attempts\.within\.<duration>\.max/,
    );
    expect(parseSlo('attempts.byProvider <= 3')).toMatch(/attempts\.byProvider\.<provider>/);
  });
});
