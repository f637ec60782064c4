import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/engine/token-bucket.js';

describe('a token bucket per minute', () => {
  it('starts full and refills at its rate, never past its capacity', () => {
    const bucket = new TokenBucket(60, 0);
    expect(bucket.remaining(0)).toBe(60);
    bucket.take(60, 0);
    expect(bucket.remaining(0)).toBe(0);
    expect(bucket.remaining(10_000)).toBe(10);
    expect(bucket.remaining(10 * 60_000)).toBe(60);
  });

  it('says how long until a request fits, and a request larger than the bucket waits for a full one', () => {
    const bucket = new TokenBucket(60, 0);
    bucket.take(60, 0);
    expect(bucket.waitFor(5, 0)).toBeCloseTo(5_000);
    expect(bucket.waitFor(500, 0)).toBeCloseTo(60_000);
    expect(bucket.waitFor(0, 0)).toBe(0);
  });

  it('may go below zero for one large request, and tells when it is full again', () => {
    const bucket = new TokenBucket(60, 0);
    bucket.take(90, 0);
    expect(bucket.remaining(0)).toBe(-30);
    expect(bucket.resetMs(0)).toBeCloseTo(90_000);
  });
});
