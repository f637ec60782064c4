import { describe, expect, it } from 'vitest';
import { clockTime, formatSloValue, int, pct, usd } from '../../src/report/format.js';

describe('how reports write numbers', () => {
  it('shows three decimals just under 100%, where they matter, and two elsewhere', () => {
    expect(pct(1)).toBe('100.00%');
    expect(pct(0.9996)).toBe('99.960%');
    expect(pct(0.75)).toBe('75.00%');
  });

  it('shows cents above $10 and four decimals below', () => {
    expect(usd(30.144)).toBe('$30.14');
    expect(usd(0.81346)).toBe('$0.8135');
  });

  it('writes counts with separators and drill time as a clock', () => {
    expect(int(4812.4)).toBe('4,812');
    expect(clockTime(30 * 60_000 + 1_500)).toBe('30:01');
    expect(clockTime(3_600_000 + 65_000)).toBe('1:01:05');
  });

  it('writes an SLO value in its metric’s unit', () => {
    expect(formatSloValue('availability', 0.999)).toBe('99.90%');
    expect(formatSloValue('latency.p95', 8_920)).toBe('8.92s');
    expect(formatSloValue('failover.detection.max', 212)).toBe('212ms');
    expect(formatSloValue('cost.total', 50)).toBe('$50.00');
    expect(formatSloValue('attempts.retries', 34)).toBe('34');
  });
});
