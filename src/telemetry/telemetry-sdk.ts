/**
 * @module telemetry/telemetry-sdk
 * The OpenTelemetry SDK set-up of one drill: a tracer and a meter provider held by the drill
 * (not registered globally: one process may run several drills), span ids drawn from the seed,
 * exporters to OTLP JSON lines files and to a collector, and the end of the drill, when the
 * metrics are collected once, stamped with drill time and written.
 */
import type { HrTime, Meter, Tracer } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { JsonMetricsSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type MetricProducer,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  AlwaysOnSampler,
  TracerProvider,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { seededRng } from '../seeded-rng.js';
import { VERSION } from '../version.js';
import { DRILL, GEN_AI_METRICS } from './attributes.js';
import { ChunkedSpanProcessor } from './chunked-span-processor.js';
import { DrillHistogram, DrillHistogramProducer } from './drill-histograms.js';
import { JsonlFile, telemetryFiles } from './otlp-jsonl-file.js';
import { otlpEndpoint } from './otlp-env.js';
import { seededIdGenerator } from './seeded-ids.js';

/**
 * Collectors that failed an export in this thread, by the URL it was sent to, with what the
 * exporter said. A later drill sends them nothing and reports why: a collector that is down
 * would otherwise cost each drill of a suite the exporter's whole timeout (10 s by default). A
 * pool's worker threads each learn it once; the CLI's main-thread drills share one telemetry
 * thread, or this one.
 */
const failedCollectors = new Map<string, string>();

/** What a later drill reports of a collector that failed an earlier one. */
function failedEarlier(reason: string): string {
  return `${reason}, in an earlier drill of this run; not sent again`;
}

/** Where a drill's telemetry goes. */
export interface TelemetryOptions {
  readonly scenario: string;
  readonly seed: number;
  /** Write `traces.jsonl` and `metrics.jsonl` here. */
  readonly dir?: string;
  /**
   * Also export over OTLP/HTTP (JSON) to this collector base URL (`/v1/traces`, `/v1/metrics`
   * are appended). `'env'`: take the endpoints from the standard `OTEL_EXPORTER_OTLP_*` variables;
   * a signal whose endpoint none of them names is not sent.
   */
  readonly otlp?: string;
  /** Share of caller requests traced, 0 to 1 (head sampling by trace id). @defaultValue 1 */
  readonly sample?: number;
  /** Record prompts and answers (`gen_ai.input.messages`, `gen_ai.output.messages`). */
  readonly recordContent?: boolean;
  /**
   * Build and write the telemetry on a thread of its own, beside the drill (telemetry-thread.ts):
   * the same files, for less wall time where a core is free and more CPU time in all. Only
   * where this module runs compiled (`dist/`), whose worker file it starts.
   * @defaultValue false
   */
  readonly thread?: boolean;
}

/** Latency buckets in seconds, as the GenAI conventions advise for operation durations. */
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const COST_BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1];

/** Milliseconds since the epoch to OpenTelemetry's [seconds, nanoseconds]. */
export function hrTime(ms: number): HrTime {
  let seconds = Math.floor(ms / 1_000);
  let nanos = Math.round((ms - seconds * 1_000) * 1e6);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  return [seconds, nanos];
}

/** The drill's first and last event, in drill time. */
export type DrillSpan = () => { readonly start: number; readonly end: number };

/** The histograms the drill records itself (see drill-histograms.ts for why). */
export interface DrillHistograms {
  readonly requestDuration: DrillHistogram;
  readonly attemptDuration: DrillHistogram;
  readonly cost: DrillHistogram;
}

/** Writes each export request as one line of an OTLP JSON lines file. */
class JsonlSpanExporter implements SpanExporter {
  readonly #file: JsonlFile;
  constructor(file: JsonlFile) {
    this.#file = file;
  }
  export(spans: ReadableSpan[], done: (result: { code: ExportResultCode }) => void): void {
    const bytes = JsonTraceSerializer.serializeRequest(spans);
    if (bytes !== undefined) this.#file.writeLine(bytes);
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

/** A metric reader collected once, when the drill ends. */
class EndOfDrillReader extends MetricReader {
  constructor(producers: MetricProducer[]) {
    super({
      aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
      metricProducers: producers,
    });
  }
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

function histograms(): DrillHistograms {
  return {
    requestDuration: new DrillHistogram({
      name: 'failover_drill.request.duration',
      description: 'Caller-visible latency, retries and failovers included.',
      unit: 's',
      boundaries: DURATION_BUCKETS,
    }),
    attemptDuration: new DrillHistogram({
      name: GEN_AI_METRICS.operationDuration,
      description: 'Duration of each attempt on a target.',
      unit: 's',
      boundaries: DURATION_BUCKETS,
    }),
    cost: new DrillHistogram({
      name: 'failover_drill.request.cost',
      description: 'What each caller request cost, every attempt included.',
      unit: 'USD',
      boundaries: COST_BUCKETS,
    }),
  };
}

/** The SDK's providers and exporters for one drill. End with `endTraces`, `endMetrics`, `commit`. */
export class TelemetrySdk {
  readonly tracer: Tracer;
  readonly meter: Meter;
  readonly histograms: DrillHistograms;
  readonly #tracerProvider: TracerProvider;
  readonly #processors: ChunkedSpanProcessor[] = [];
  /** The processor that sends spans to the collector, if there is one. */
  readonly #collector: ChunkedSpanProcessor | undefined;
  readonly #files: JsonlFile[] = [];
  readonly #metricsFile: JsonlFile | undefined;
  readonly #metricExporter: OTLPMetricExporter | undefined;
  /** The URLs the traces and the metrics are sent to, where they are. */
  readonly #tracesUrl: string | undefined;
  readonly #metricsUrl: string | undefined;
  readonly #meterProvider: MeterProvider;
  readonly #reader: EndOfDrillReader;
  readonly #drillSpan: DrillSpan;

  constructor(options: TelemetryOptions, drillSpan: DrillSpan) {
    this.#drillSpan = drillSpan;
    const resource = resourceFromAttributes({
      [ATTR_SERVICE_NAME]: 'failover-drill',
      [ATTR_SERVICE_VERSION]: VERSION,
      [DRILL.scenario]: options.scenario,
      [DRILL.seed]: options.seed,
    });
    if (options.dir !== undefined) {
      const files = telemetryFiles(options.dir);
      const traces = new JsonlFile(files.traces);
      this.#files.push(traces);
      this.#processors.push(new ChunkedSpanProcessor(new JsonlSpanExporter(traces)));
      this.#metricsFile = new JsonlFile(files.metrics);
      this.#files.push(this.#metricsFile);
    }
    if (options.otlp !== undefined) {
      const base = options.otlp === 'env' ? undefined : options.otlp.replace(/\/+$/, '');
      this.#tracesUrl =
        base === undefined ? otlpEndpoint(process.env, 'TRACES') : `${base}/v1/traces`;
      this.#metricsUrl =
        base === undefined ? otlpEndpoint(process.env, 'METRICS') : `${base}/v1/metrics`;
      if (this.#tracesUrl !== undefined) {
        const failed = failedCollectors.get(this.#tracesUrl);
        this.#collector = new ChunkedSpanProcessor(
          new OTLPTraceExporter(base === undefined ? {} : { url: this.#tracesUrl }),
          failed === undefined ? undefined : failedEarlier(failed),
        );
        this.#processors.push(this.#collector);
      }
      if (this.#metricsUrl !== undefined)
        this.#metricExporter = new OTLPMetricExporter(
          base === undefined ? {} : { url: this.#metricsUrl },
        );
    }
    this.#tracerProvider = new TracerProvider({
      resource,
      idGenerator: seededIdGenerator(seededRng(options.seed, 'telemetry')),
      // The drill decides which requests to trace before it starts their spans (a dropped
      // request then costs no span at all), and starts attempts' spans only under a root it
      // kept: every span started is sampled.
      sampler: new AlwaysOnSampler(),
      spanProcessors: this.#processors,
      // Default limits, but no attribute value is cut short: messages are recorded whole.
      spanLimits: { eventCountLimit: 1_000 },
    });
    this.tracer = this.#tracerProvider.getTracer('failover-drill', VERSION);
    this.histograms = histograms();
    this.#reader = new EndOfDrillReader([
      new DrillHistogramProducer(
        Object.values(this.histograms),
        { name: 'failover-drill', version: VERSION },
        () => {
          const { start, end } = drillSpan();
          return { start: hrTime(start), end: hrTime(end) };
        },
      ),
    ]);
    this.#meterProvider = new MeterProvider({ resource, readers: [this.#reader] });
    this.meter = this.#meterProvider.getMeter('failover-drill', VERSION);
  }

  /**
   * Exports every ended span and shuts the tracer down. The processors are flushed here, not
   * through the provider's `forceFlush`, which gives up after 30 s: a collector that takes its
   * time is waited for, and one that fails stops the exports (see chunked-span-processor.ts).
   */
  async endTraces(): Promise<void> {
    await Promise.all(this.#processors.map((processor) => processor.forceFlush()));
    await this.#tracerProvider.shutdown();
  }

  /**
   * Collects the metrics once, stamped with drill time, writes them and sends them to the
   * collector. Returns the export failures of traces and metrics the collector reported.
   */
  async endMetrics(): Promise<string[]> {
    const { resourceMetrics } = await this.#reader.collect();
    const stamped = this.#stamp(resourceMetrics);
    const failures = this.#processors.flatMap((p) => p.failures);
    const metricsBytes = JsonMetricsSerializer.serializeRequest(stamped);
    if (this.#metricsFile !== undefined && metricsBytes !== undefined)
      this.#metricsFile.writeLine(metricsBytes);
    const tracesFailure = this.#collector?.failure;
    if (
      this.#tracesUrl !== undefined &&
      tracesFailure !== undefined &&
      !failedCollectors.has(this.#tracesUrl)
    )
      failedCollectors.set(this.#tracesUrl, tracesFailure);
    const metricsFailedBefore =
      this.#metricsUrl === undefined ? undefined : failedCollectors.get(this.#metricsUrl);
    // A collector that failed the traces is not sent the metrics: it would fail them too, after
    // the same timeout. Nor is one that failed the metrics of an earlier drill.
    if (this.#metricExporter !== undefined && this.#collector?.failure !== undefined)
      failures.push('metrics not sent: the collector failed the traces');
    else if (this.#metricExporter !== undefined && metricsFailedBefore !== undefined)
      failures.push(`metrics not sent: ${failedEarlier(metricsFailedBefore)}`);
    else if (this.#metricExporter !== undefined) {
      const exporter = this.#metricExporter;
      const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) =>
        exporter.export(stamped, resolve),
      );
      if (result.code !== ExportResultCode.SUCCESS) {
        const reason = result.error?.message ?? 'metrics export failed';
        failures.push(reason);
        if (this.#metricsUrl !== undefined) failedCollectors.set(this.#metricsUrl, reason);
      }
    }
    await this.#metricExporter?.shutdown();
    await this.#meterProvider.shutdown();
    return failures;
  }

  /** Moves the finished files into place. */
  commit(): void {
    for (const file of this.#files) file.commit();
  }

  /** Drops the unfinished files (the drill failed). */
  discard(): void {
    for (const file of this.#files) file.discard();
  }

  /**
   * The collected metrics with drill-time timestamps instead of the wall clock's, the SDK's
   * instruments and the drill's histograms under one instrumentation scope.
   */
  #stamp(metrics: ResourceMetrics): ResourceMetrics {
    const { start: first, end: last } = this.#drillSpan();
    const start = hrTime(first);
    const end = hrTime(last);
    const scopes = new Map<string, ResourceMetrics['scopeMetrics'][number]>();
    for (const scope of metrics.scopeMetrics) {
      const stamped = scope.metrics.map((metric) => ({
        ...metric,
        dataPoints: metric.dataPoints.map((point) => ({
          ...point,
          startTime: start,
          endTime: end,
        })),
      })) as typeof scope.metrics;
      const same = scopes.get(scope.scope.name);
      if (same === undefined) scopes.set(scope.scope.name, { ...scope, metrics: stamped });
      else same.metrics.push(...stamped);
    }
    return { ...metrics, scopeMetrics: [...scopes.values()] };
  }
}
