/**
 * @module report/latency-histogram
 * Latency percentiles in constant memory: an HDR histogram at three significant digits.
 */
import * as hdr from 'hdr-histogram-js';

/** Caller-visible latency summary, in milliseconds. */
export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Records latencies (ms, rounded to whole milliseconds) and reads percentiles, to three
 * significant digits, or fewer where many histograms are kept (one per minute: two digits).
 */
export class LatencyHistogram {
  readonly #histogram;
  #count = 0;

  constructor(significantDigits: 1 | 2 | 3 = 3) {
    this.#histogram = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 3_600_000,
      numberOfSignificantValueDigits: significantDigits,
      autoResize: true,
    });
  }

  record(ms: number): void {
    this.#histogram.recordValue(Math.max(0, Math.round(ms)));
    this.#count++;
  }

  get count(): number {
    return this.#count;
  }

  summary(): LatencySummary {
    if (this.#count === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
    const h = this.#histogram;
    return {
      p50: h.getValueAtPercentile(50),
      p95: h.getValueAtPercentile(95),
      p99: h.getValueAtPercentile(99),
      max: h.maxValue,
    };
  }
}
