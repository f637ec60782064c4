import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseRate } from '../src/units.js';
import { thousands } from '../src/unit-text.js';

describe('units', () => {
  it('parses durations into milliseconds', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2s')).toBe(2_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('15min')).toBe(900_000);
    expect(parseDuration('1h')).toBe(3_600_000);
  });

  it('rejects durations without a unit or with a wrong one', () => {
    expect(parseDuration('15')).toBeUndefined();
    expect(parseDuration('15x')).toBeUndefined();
    expect(parseDuration('-1s')).toBeUndefined();
  });

  it('parses rates into requests per millisecond', () => {
    expect(parseRate('5000/h')).toBeCloseTo(5_000 / 3_600_000, 12);
    expect(parseRate('2/s')).toBeCloseTo(0.002, 12);
    expect(parseRate('5000')).toBeUndefined();
  });

  it('formats durations for people', () => {
    expect(formatDuration(200)).toBe('200ms');
    expect(formatDuration(1_500)).toBe('1.5s');
    expect(formatDuration(3_605_000)).toBe('1h 5s');
    expect(formatDuration(900_000)).toBe('15m');
  });

  it('groups thousands as en-US does, without loading ICU', () => {
    const numbers = [0, 7, 999, 1_000, 12_345, 999_999, 1_000_000, 123_456_789, -1_234, 99.9];
    for (const n of [...numbers, 1_499.6, 1_234.5678, -0.25, 0.0004, 2_500.0005]) {
      expect(thousands(n)).toBe(n.toLocaleString('en-US'));
    }
  });
});
