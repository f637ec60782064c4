/**
 * @module telemetry/chunked-span-processor
 * Hands finished spans to an exporter in batches of a fixed size, in the order they ended, and
 * never drops one while the exporter takes them. The SDK's batch processor flushes on real-time
 * timers and drops spans when its queue fills, which a drill that simulates an hour in seconds
 * would do.
 *
 * The first batch the exporter fails (a collector that refuses it, or cannot be reached and
 * times out after its retries) ends the exports: the later batches are counted, not sent. A
 * collector that is down would otherwise cost each batch the exporter's whole timeout (10 s
 * by default, with retries), and black-friday sends twenty batches. A processor made for a
 * collector that failed an earlier drill starts failed (telemetry-sdk.ts).
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Spans per export request. */
export const SPANS_PER_EXPORT = 512;

/** The processor; `failures` says what the exporter reported, for the run to print. */
export class ChunkedSpanProcessor implements SpanProcessor {
  readonly #exporter: SpanExporter;
  #buffer: ReadableSpan[] = [];
  #chain: Promise<void> = Promise.resolve();
  /** What the exporter said of the first batch it failed. */
  #failure: string | undefined;
  /** Spans not sent: the failed batch's and every later one's. */
  #unsent = 0;

  /** `failedBefore`: what the collector said when it failed an earlier drill; nothing is sent. */
  constructor(exporter: SpanExporter, failedBefore?: string) {
    this.#exporter = exporter;
    this.#failure = failedBefore;
  }

  /** What the exporter said of the first batch it failed, if it failed one. */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** The export failure, if any, with the spans it left unsent. */
  get failures(): string[] {
    if (this.#failure === undefined) return [];
    return [`${this.#failure} (${this.#unsent} spans not sent)`];
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    this.#buffer.push(span);
    if (this.#buffer.length >= SPANS_PER_EXPORT) this.#send();
  }

  #send(): void {
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#chain = this.#chain.then(() => {
      if (this.#failure !== undefined) {
        this.#unsent += batch.length;
        return undefined;
      }
      return new Promise<void>((resolve) => {
        this.#exporter.export(batch, (result: ExportResult) => {
          if (result.code !== ExportResultCode.SUCCESS) {
            this.#failure = result.error?.message ?? 'export failed';
            this.#unsent += batch.length;
          }
          resolve();
        });
      });
    });
  }

  async forceFlush(): Promise<void> {
    this.#send();
    await this.#chain;
    await this.#exporter.forceFlush?.();
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    await this.#exporter.shutdown();
  }
}
