import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/engine/policies/retry-after.js';

const at = Date.UTC(2026, 0, 1, 0, 0, 0);
const headers = (h: Record<string, string>): Headers => new Headers(h);

describe('Retry-After', () => {
  it('prefers retry-after-ms, in milliseconds, over retry-after', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }), at)).toBe(
      1_500,
    );
  });

  it('reads retry-after in seconds, fractions included', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '2' }), at)).toBe(2_000);
    expect(parseRetryAfter(headers({ 'retry-after': ' 0.5 ' }), at)).toBe(500);
  });

  it('reads an HTTP date against the clock, never below zero', () => {
    const later = new Date(at + 30_000).toUTCString();
    expect(parseRetryAfter(headers({ 'retry-after': later }), at)).toBe(30_000);
    const past = new Date(at - 30_000).toUTCString();
    expect(parseRetryAfter(headers({ 'retry-after': past }), at)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(headers({}), at)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), at)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after-ms': '-5', 'retry-after': '1' }), at)).toBe(
      1_000,
    );
  });
});
