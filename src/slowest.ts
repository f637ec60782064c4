/**
 * @module slowest
 * The slowest few of a stream of requests, in constant memory: a bounded list kept sorted,
 * slowest first, ties to the earlier request. The recorder keeps the attempt chains of the worst
 * requests this way and the telemetry their trace ids; both choose the same requests.
 */

/** How many of the slowest answered and of the slowest failed requests a report lists. */
export const WORST_LISTED = 20;

/** The `limit` slowest entries seen, each with what the caller keeps of it. */
export class Slowest<T> {
  readonly #limit: number;
  readonly #entries: { latencyMs: number; value: T }[] = [];

  constructor(limit = WORST_LISTED) {
    this.#limit = limit;
  }

  /** Whether an entry of this latency would be kept; lets a caller skip building its value. */
  admits(latencyMs: number): boolean {
    const last = this.#entries[this.#limit - 1];
    return last === undefined || latencyMs > last.latencyMs;
  }

  /** Offers an entry; kept if among the slowest so far (after those as slow, offered earlier). */
  offer(latencyMs: number, value: T): void {
    if (!this.admits(latencyMs)) return;
    const entries = this.#entries;
    let i = entries.length;
    while (i > 0 && (entries[i - 1] as { latencyMs: number }).latencyMs < latencyMs) i--;
    entries.splice(i, 0, { latencyMs, value });
    if (entries.length > this.#limit) entries.pop();
  }

  /** The kept values, slowest first. */
  values(): T[] {
    return this.#entries.map((e) => e.value);
  }
}
