/**
 * The latency summary never reports a percentile outside what was recorded: an HDR bucket's
 * upper bound can lie above the largest value, so percentiles are held within the exact range.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/report/latency-histogram.js';

describe('LatencyHistogram', () => {
  it.each([3, 2] as const)(
    'keeps min <= p50 <= p95 <= p99 <= max = the largest value (%i digits)',
    (digits) => {
      fc.assert(
        fc.property(
          fc.array(fc.double({ min: 0, max: 600_000, noNaN: true }), {
            minLength: 1,
            maxLength: 300,
          }),
          (values) => {
            const histogram = new LatencyHistogram(digits);
            for (const v of values) histogram.record(v);
            const s = histogram.summary();
            const rounded = values.map((v) => Math.round(v));
            const min = Math.min(...rounded);
            const max = Math.max(...rounded);
            expect(s.max).toBe(max);
            expect(min).toBeLessThanOrEqual(s.p50);
            expect(s.p50).toBeLessThanOrEqual(s.p95);
            expect(s.p95).toBeLessThanOrEqual(s.p99);
            expect(s.p99).toBeLessThanOrEqual(s.max);
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it('reports 7420, not its bucket bound 7423, as p99 of a top value of 7420', () => {
    const histogram = new LatencyHistogram(3);
    for (let i = 0; i < 99; i++) histogram.record(100);
    histogram.record(7_420);
    histogram.record(7_420);
    expect(histogram.summary()).toMatchObject({ p99: 7_420, max: 7_420 });
  });
});
