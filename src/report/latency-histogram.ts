/**
 * @module report/latency-histogram
 * Latency percentiles in constant memory: an HDR histogram at three significant digits.
 */
// The package's histogram classes, not its index: the index also loads the WebAssembly build (its
// base64 module, pako and a loader) and a log writer that makes an `Intl.NumberFormat` as it
// loads, which loads ICU's locale data (13 ms of a cold drill's CPU profile). `build()` with 32-bit
// buckets, as used here before, makes the same class.
import { constructorFromBucketSize } from 'hdr-histogram-js/dist/JsHistogramFactory.js';

const Int32Histogram = constructorFromBucketSize(32);

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
 * A percentile is read as its bucket's upper bound, which can lie above every value recorded;
 * it is held within the exact smallest and largest values, so p50 ≤ p95 ≤ p99 ≤ max always.
 */
export class LatencyHistogram {
  readonly #histogram;
  #count = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;

  constructor(significantDigits: 1 | 2 | 3 = 3) {
    this.#histogram = new Int32Histogram(1, 3_600_000, significantDigits);
    this.#histogram.autoResize = true;
  }

  record(ms: number): void {
    const value = Math.max(0, Math.round(ms));
    this.#histogram.recordValue(value);
    this.#count++;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  /** Adds everything `other` recorded, as if it had been recorded here. */
  add(other: LatencyHistogram): void {
    if (other.#count === 0) return;
    this.#histogram.add(other.#histogram);
    this.#count += other.#count;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
  }

  get count(): number {
    return this.#count;
  }

  summary(): LatencySummary {
    if (this.#count === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
    const at = (percentile: number): number =>
      Math.min(this.#max, Math.max(this.#min, this.#histogram.getValueAtPercentile(percentile)));
    return { p50: at(50), p95: at(95), p99: at(99), max: this.#max };
  }
}
