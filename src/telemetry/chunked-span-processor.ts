/**
 * @module telemetry/chunked-span-processor
 * Hands finished spans to an exporter in batches of a fixed size, in the order they ended, and
 * never drops one. The SDK's batch processor flushes on real-time timers and drops spans when
 * its queue fills, which a drill that simulates an hour in seconds would do.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Spans per export request. */
export const SPANS_PER_EXPORT = 512;

/** The processor; `failures` collects what the exporter reported, for the run to print. */
export class ChunkedSpanProcessor implements SpanProcessor {
  readonly #exporter: SpanExporter;
  #buffer: ReadableSpan[] = [];
  #chain: Promise<void> = Promise.resolve();
  readonly failures: string[] = [];

  constructor(exporter: SpanExporter) {
    this.#exporter = exporter;
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
    this.#chain = this.#chain.then(
      () =>
        new Promise<void>((resolve) => {
          this.#exporter.export(batch, (result: ExportResult) => {
            if (result.code !== ExportResultCode.SUCCESS)
              this.failures.push(result.error?.message ?? 'export failed');
            resolve();
          });
        }),
    );
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
