/**
 * @module telemetry/drill-telemetry
 * OpenTelemetry traces and metrics of one drill, built from the engine's events (the engine
 * imports no OpenTelemetry). One root span per caller request and one child per attempt
 * (hedges included), with GenAI semantic-convention attributes, HTTP status and error type, and
 * our own `failover_drill.*` ones; span events for the decisions. Timestamps are drill time:
 * the clock starts at the scenario's `startsAt`, so an hour's drill spans an hour in a trace
 * viewer. Ids are drawn from the seed, so the same drill writes the same trace file.
 *
 * Built on the SDK's own providers (`@opentelemetry/sdk-trace`, `@opentelemetry/sdk-metrics`)
 * held by the drill, not registered globally: one process may run several drills.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Counter,
  type HrTime,
  type Span,
} from '@opentelemetry/api';
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
  ParentBasedSampler,
  TracerProvider,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import type { BreakerState, EngineEvent } from '../engine/events.js';
import type { Rng } from '../engine/rng.js';
import type { Target } from '../engine/types.js';
import { targetKey } from '../engine/types.js';
import type { BillingRecord } from '../providers/response-plan.js';
import { seededRng } from '../seeded-rng.js';
import { DRILL, GEN_AI, GEN_AI_METRICS } from './attributes.js';
import { ChunkedSpanProcessor } from './chunked-span-processor.js';
import { JsonlFile } from './otlp-jsonl-file.js';
import { seededIdGenerator } from './seeded-ids.js';
import {
  DrillHistogram,
  DrillHistogramProducer,
  type HistogramSeries,
} from './drill-histograms.js';
import { VERSION } from '../version.js';

/** Where a drill's telemetry goes. */
export interface TelemetryOptions {
  readonly scenario: string;
  readonly seed: number;
  /** Write `traces.jsonl` and `metrics.jsonl` here. */
  readonly dir?: string;
  /**
   * Also export over OTLP/HTTP (JSON) to this collector base URL (`/v1/traces`, `/v1/metrics`
   * are appended). `'env'`: take the endpoint from the standard `OTEL_EXPORTER_OTLP_*` variables.
   */
  readonly otlp?: string;
  /** Share of caller requests traced, 0 to 1 (head sampling by trace id). @defaultValue 1 */
  readonly sample?: number;
  /** Record prompts and answers (`gen_ai.input.messages`, `gen_ai.output.messages`). */
  readonly recordContent?: boolean;
}

/** Latency buckets in seconds, as the GenAI conventions advise for operation durations. */
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const COST_BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1];
const BREAKER_VALUE: Readonly<Record<BreakerState, number>> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

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

interface AttemptState {
  readonly span: Span;
  readonly target: Target;
  readonly startedAt: number;
  endedAt: number | undefined;
  costUsd: number;
}

interface RequestState {
  /** The root span; none when the sampler dropped the request's trace. */
  readonly root: Span | undefined;
  readonly context: Context;
  readonly group: string;
  readonly attempts: Map<number, AttemptState>;
  /** The target of a hedge that has started, until its attempt starts. */
  hedgeTarget: string | undefined;
  costUsd: number;
  ended: boolean;
}

/** Never written: attempts are only recorded for sampled requests. */
const NO_ATTEMPTS = new Map<number, AttemptState>();

/** Collects one drill's telemetry. Subscribe `onEvent` and `onBill`, then `finish`. */
export class DrillTelemetry {
  readonly #options: TelemetryOptions;
  readonly #tracerProvider: TracerProvider;
  readonly #tracer;
  /** Head sampling: a seeded draw per caller request, so the same requests are traced each run. */
  readonly #sampleRng: Rng;
  readonly #sample: number;
  readonly #processors: ChunkedSpanProcessor[] = [];
  readonly #files: JsonlFile[] = [];
  readonly #metricsFile: JsonlFile | undefined;
  readonly #metricExporter: OTLPMetricExporter | undefined;
  readonly #meterProvider: MeterProvider;
  readonly #reader: EndOfDrillReader;
  readonly #histograms: {
    readonly requestDuration: DrillHistogram;
    readonly attemptDuration: DrillHistogram;
    readonly cost: DrillHistogram;
  };
  readonly #requests = new Map<string, RequestState>();
  readonly #breakers = new Map<string, { target: Target; state: BreakerState }>();
  /** Attempts and tokens per attempt attribute set, added to the SDK's counters at the end. */
  readonly #attemptCounts = new Map<
    string,
    {
      target: Target;
      attributes: Attributes;
      duration: HistogramSeries;
      n: number;
      input: number;
      output: number;
    }
  >();
  readonly #instruments: {
    readonly requests: Counter;
    readonly attempts: Counter;
    readonly tokens: Counter;
  };
  /** Requests per request attribute set, with their histogram series. */
  readonly #requestMetrics = new Map<
    string,
    { attributes: Attributes; n: number; duration: HistogramSeries; cost: HistogramSeries }
  >();
  #firstAt: number | undefined;
  #lastAt = 0;

  constructor(options: TelemetryOptions) {
    this.#options = options;
    const resource = resourceFromAttributes({
      [ATTR_SERVICE_NAME]: 'failover-drill',
      [ATTR_SERVICE_VERSION]: VERSION,
      [DRILL.scenario]: options.scenario,
      [DRILL.seed]: options.seed,
    });
    const exporters: SpanExporter[] = [];
    if (options.dir !== undefined) {
      const traces = new JsonlFile(`${options.dir}/traces.jsonl`);
      this.#files.push(traces);
      exporters.push(new JsonlSpanExporter(traces));
      this.#metricsFile = new JsonlFile(`${options.dir}/metrics.jsonl`);
      this.#files.push(this.#metricsFile);
    }
    if (options.otlp !== undefined) {
      const base = options.otlp === 'env' ? undefined : options.otlp.replace(/\/+$/, '');
      exporters.push(new OTLPTraceExporter(base === undefined ? {} : { url: `${base}/v1/traces` }));
      this.#metricExporter = new OTLPMetricExporter(
        base === undefined ? {} : { url: `${base}/v1/metrics` },
      );
    }
    for (const exporter of exporters) this.#processors.push(new ChunkedSpanProcessor(exporter));
    const sample = options.sample ?? 1;
    this.#sample = sample;
    this.#sampleRng = seededRng(options.seed, 'telemetry:sample');
    this.#tracerProvider = new TracerProvider({
      resource,
      idGenerator: seededIdGenerator(seededRng(options.seed, 'telemetry')),
      // The drill decides which requests to trace before it starts their spans (a dropped
      // request then costs no span at all); children follow their parent.
      sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
      spanProcessors: this.#processors,
      // Default limits, but no attribute value is cut short: messages are recorded whole.
      spanLimits: { eventCountLimit: 1_000 },
    });
    this.#tracer = this.#tracerProvider.getTracer('failover-drill', VERSION);
    this.#histograms = {
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
    this.#reader = new EndOfDrillReader([
      new DrillHistogramProducer(
        Object.values(this.#histograms),
        { name: 'failover-drill', version: VERSION },
        () => ({ start: hrTime(this.#firstAt ?? 0), end: hrTime(this.#lastAt) }),
      ),
    ]);
    this.#meterProvider = new MeterProvider({ resource, readers: [this.#reader] });
    const meter = this.#meterProvider.getMeter('failover-drill', VERSION);
    this.#instruments = {
      requests: meter.createCounter('failover_drill.requests', {
        description: 'Caller requests by outcome.',
        unit: '{request}',
      }),
      attempts: meter.createCounter('failover_drill.attempts', {
        description: 'Attempts by target and outcome.',
        unit: '{attempt}',
      }),
      // A sum rather than the conventions' per-call histogram: recording two histogram points
      // per attempt would cost the drill more than everything else here.
      tokens: meter.createCounter('failover_drill.usage.tokens', {
        description: 'Tokens used by successful attempts, by type.',
        unit: '{token}',
      }),
    };
    meter
      .createObservableGauge('failover_drill.breaker.state', {
        description: 'Circuit breaker state per target: 0 closed, 1 half-open, 2 open.',
      })
      .addCallback((result) => {
        for (const { target, state } of this.#breakers.values())
          result.observe(BREAKER_VALUE[state], this.#targetAttributes(target));
      });
  }

  #targetAttributes(target: Target): Attributes {
    return {
      [GEN_AI.operationName]: 'chat',
      [GEN_AI.providerName]: target.provider,
      [GEN_AI.requestModel]: target.model,
    };
  }

  #breakerState(target: Target): BreakerState {
    return this.#breakers.get(targetKey(target))?.state ?? 'closed';
  }

  /** Subscribe this to the engine's events. */
  readonly onEvent = (event: EngineEvent): void => {
    this.#firstAt ??= event.at;
    if (event.at > this.#lastAt) this.#lastAt = event.at;
    switch (event.type) {
      case 'request:start':
        this.#startRequest(event);
        return;
      case 'attempt:start':
        this.#startAttempt(event);
        return;
      case 'attempt:end':
        this.#endAttempt(event);
        return;
      case 'request:end':
        this.#endRequest(event);
        return;
      case 'breaker:transition': {
        const key = targetKey(event.target);
        this.#breakers.set(key, { target: event.target, state: event.to });
        const requestId = event.requestId;
        const request = requestId === undefined ? undefined : this.#requests.get(requestId);
        request?.root?.addEvent(
          'breaker.transition',
          {
            [DRILL.target]: key,
            'failover_drill.breaker.from': event.from,
            [DRILL.breakerState]: event.to,
          },
          hrTime(event.at),
        );
        return;
      }
      case 'hedge:start': {
        const request = this.#requests.get(event.requestId);
        if (request === undefined) return;
        request.hedgeTarget = targetKey(event.hedge);
        request.root?.addEvent(
          'hedge.start',
          {
            'failover_drill.hedge.primary': targetKey(event.primary),
            [DRILL.target]: targetKey(event.hedge),
          },
          hrTime(event.at),
        );
        return;
      }
      default:
        this.#decision(event);
    }
  };

  /** The other decisions, as events on the request's root span. */
  #decision(event: EngineEvent): void {
    if (!('requestId' in event)) return;
    const root = this.#requests.get(event.requestId)?.root;
    if (root === undefined) return;
    const at = hrTime(event.at);
    switch (event.type) {
      case 'retry:scheduled':
        root.addEvent(
          'retry.scheduled',
          {
            [DRILL.target]: targetKey(event.target),
            [DRILL.attempt]: event.attempt,
            'failover_drill.retry.delay_ms': event.delayMs,
            'failover_drill.retry.from_retry_after': event.fromRetryAfter,
          },
          at,
        );
        return;
      case 'retry:denied':
        root.addEvent(
          'retry.denied',
          { [DRILL.target]: targetKey(event.target), 'failover_drill.reason': event.reason },
          at,
        );
        return;
      case 'failover':
        root.addEvent(
          'failover',
          {
            'failover_drill.failover.from': targetKey(event.from),
            'failover_drill.failover.to': targetKey(event.to),
            'failover_drill.reason': event.reason,
          },
          at,
        );
        return;
      case 'cache:hit':
        root.addEvent('cache.hit', {}, at);
        return;
      case 'answer:degraded':
        root.addEvent(
          'answer.degraded',
          { 'failover_drill.degraded.source': event.source, 'failover_drill.reason': event.reason },
          at,
        );
        return;
      case 'budget:action':
        root.addEvent(
          'budget.action',
          {
            'failover_drill.budget.action': event.action,
            'failover_drill.budget.spent_usd': event.spentUsd,
          },
          at,
        );
        return;
      case 'prefill:refused':
        root.addEvent('prefill.refused', { [DRILL.target]: targetKey(event.target) }, at);
        return;
      case 'bulkhead:shed':
      case 'rate-limit:delayed':
      case 'rate-limit:shed':
        root.addEvent(event.type.replace(':', '.'), {}, at);
        return;
      default:
        return;
    }
  }

  #startRequest(event: Extract<EngineEvent, { type: 'request:start' }>): void {
    const attributes = (): Attributes => {
      const a: Attributes = {
        [GEN_AI.operationName]: 'chat',
        [GEN_AI.requestModel]: event.group,
        [GEN_AI.requestMaxTokens]: event.request.maxTokens,
        [DRILL.group]: event.group,
        [DRILL.stream]: event.request.stream,
      };
      if (this.#options.recordContent === true)
        a[GEN_AI.inputMessages] = JSON.stringify(
          event.request.messages.map((m) => ({
            role: m.role,
            parts: [{ type: 'text', content: m.content }],
          })),
        );
      return a;
    };
    const kept = this.#sample >= 1 || this.#sampleRng.next() < this.#sample;
    let root: Span | undefined;
    if (kept) {
      root = this.#tracer.startSpan(
        `chat ${event.group}`,
        { kind: SpanKind.INTERNAL, startTime: hrTime(event.at), attributes: attributes() },
        ROOT_CONTEXT,
      );
    }
    this.#requests.set(event.requestId, {
      root,
      context: root === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, root),
      group: event.group,
      // An unsampled request records no attempts: it shares one map that stays empty.
      attempts: root === undefined ? NO_ATTEMPTS : new Map<number, AttemptState>(),
      hedgeTarget: undefined,
      costUsd: 0,
      ended: false,
    });
  }

  #startAttempt(event: Extract<EngineEvent, { type: 'attempt:start' }>): void {
    const request = this.#requests.get(event.requestId);
    if (request?.root === undefined) return;
    const key = targetKey(event.target);
    const hedge = request.hedgeTarget === key;
    if (hedge) request.hedgeTarget = undefined;
    const span = this.#tracer.startSpan(
      `chat ${event.target.model}`,
      {
        kind: SpanKind.CLIENT,
        startTime: hrTime(event.at),
        attributes: {
          ...this.#targetAttributes(event.target),
          [DRILL.attempt]: event.attempt,
          [DRILL.breakerState]: this.#breakerState(event.target),
          ...(hedge ? { [DRILL.hedge]: true } : {}),
        },
      },
      request.context,
    );
    request.attempts.set(event.attempt, {
      span,
      target: event.target,
      startedAt: event.at,
      endedAt: undefined,
      costUsd: 0,
    });
  }

  #endAttempt(event: Extract<EngineEvent, { type: 'attempt:end' }>): void {
    const outcome = event.ok ? 'ok' : (event.reason ?? 'failed');
    const errorType = event.ok
      ? undefined
      : event.reason === 'http-status'
        ? String(event.status)
        : event.reason;
    const metricKey = `${event.target.provider}\0${event.target.model}\0${outcome}\0${errorType ?? ''}`;
    let counts = this.#attemptCounts.get(metricKey);
    if (counts === undefined) {
      const attributes = {
        ...this.#targetAttributes(event.target),
        [DRILL.outcome]: outcome,
        ...(errorType === undefined ? {} : { [ATTR_ERROR_TYPE]: errorType }),
      };
      counts = {
        target: event.target,
        attributes,
        duration: this.#histograms.attemptDuration.series(metricKey, () => attributes),
        n: 0,
        input: 0,
        output: 0,
      };
      this.#attemptCounts.set(metricKey, counts);
    }
    counts.n++;
    if (event.usage !== undefined) {
      counts.input += event.usage.inputTokens;
      counts.output += event.usage.outputTokens;
    }
    counts.duration.record((event.at - event.startedAt) / 1_000);
    const request = this.#requests.get(event.requestId);
    const attempt = request?.attempts.get(event.attempt);
    if (request === undefined || attempt === undefined) return;
    attempt.endedAt = event.at;
    const span = attempt.span;
    span.setAttributes({
      [DRILL.outcome]: outcome,
      ...(event.status === undefined ? {} : { [ATTR_HTTP_RESPONSE_STATUS_CODE]: event.status }),
      ...(event.prefilled === true ? { [DRILL.prefilled]: true } : {}),
      ...(event.usage === undefined
        ? {}
        : {
            [GEN_AI.usageInputTokens]: event.usage.inputTokens,
            [GEN_AI.usageOutputTokens]: event.usage.outputTokens,
          }),
      ...(event.responseModel === undefined ? {} : { [GEN_AI.responseModel]: event.responseModel }),
      ...(errorType === undefined ? {} : { [ATTR_ERROR_TYPE]: errorType }),
    });
    if (errorType !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
    // An attempt that ends after its request (a cancelled hedge) ends its span now.
    if (request.ended) {
      this.#closeAttempt(attempt);
      this.#forgetIfDone(event.requestId, request);
    }
  }

  #closeAttempt(attempt: AttemptState): void {
    attempt.span.setAttribute(DRILL.costUsd, attempt.costUsd);
    attempt.span.end(hrTime(attempt.endedAt ?? this.#lastAt));
  }

  #endRequest(event: Extract<EngineEvent, { type: 'request:end' }>): void {
    const outcome = event.outcome;
    const request = this.#requests.get(outcome.requestId);
    const result = outcome.ok ? (outcome.degraded ? 'degraded' : 'success') : 'failed';
    const group = request?.group ?? '';
    const errorType = outcome.ok ? '' : outcome.reason;
    const metricKey = `${group}\0${result}\0${errorType}`;
    let metrics = this.#requestMetrics.get(metricKey);
    if (metrics === undefined) {
      const attributes: Attributes = {
        [GEN_AI.operationName]: 'chat',
        [GEN_AI.requestModel]: group,
        [DRILL.outcome]: result,
        ...(errorType === '' ? {} : { [ATTR_ERROR_TYPE]: errorType }),
      };
      metrics = {
        attributes,
        n: 0,
        duration: this.#histograms.requestDuration.series(metricKey, () => attributes),
        cost: this.#histograms.cost.series(metricKey, () => attributes),
      };
      this.#requestMetrics.set(metricKey, metrics);
    }
    metrics.n++;
    metrics.duration.record(outcome.latencyMs / 1_000);
    if (request === undefined) return;
    request.ended = true;
    metrics.cost.record(request.costUsd);
    const root = request.root;
    if (root !== undefined) {
      root.setAttributes({
        [DRILL.outcome]: result,
        [DRILL.attempts]: outcome.attempts,
        [DRILL.costUsd]: request.costUsd,
      });
      if (outcome.ok) {
        root.setAttributes({
          [GEN_AI.responseModel]: outcome.responseModel,
          [GEN_AI.providerName]: outcome.target.provider,
          [GEN_AI.usageInputTokens]: outcome.usage.inputTokens,
          [GEN_AI.usageOutputTokens]: outcome.usage.outputTokens,
          [DRILL.target]: targetKey(outcome.target),
        });
        if (outcome.degraded) root.setAttribute(DRILL.degraded, true);
        if (this.#options.recordContent === true)
          root.setAttribute(
            GEN_AI.outputMessages,
            JSON.stringify([
              { role: 'assistant', parts: [{ type: 'text', content: outcome.text }] },
            ]),
          );
      } else {
        root.setAttribute(ATTR_ERROR_TYPE, outcome.reason);
        if (outcome.status !== undefined)
          root.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
        root.setStatus({ code: SpanStatusCode.ERROR, message: outcome.message });
      }
      for (const attempt of request.attempts.values())
        if (attempt.endedAt !== undefined) this.#closeAttempt(attempt);
    }
    root?.end(hrTime(event.at));
    this.#forgetIfDone(outcome.requestId, request);
  }

  /** Drops an ended request, unless an attempt (a cancelled hedge) still runs. */
  #forgetIfDone(requestId: string, request: RequestState): void {
    for (const attempt of request.attempts.values()) if (attempt.endedAt === undefined) return;
    this.#requests.delete(requestId);
  }

  /** Subscribe this to the providers' billing: each attempt's cost goes on its span. */
  readonly onBill = (record: BillingRecord): void => {
    const id = record.attemptId;
    if (id === undefined) return;
    const hash = id.lastIndexOf('#');
    const request = this.#requests.get(id.slice(0, hash));
    if (request === undefined) return;
    request.costUsd += record.costUsd;
    const attempt = request.attempts.get(Number(id.slice(hash + 1)));
    if (attempt !== undefined) attempt.costUsd += record.costUsd;
  };

  /**
   * Ends what is still open, exports the metrics (stamped with the drill's start and end), and
   * writes the files. Returns the export failures the collector reported, if any.
   */
  async finish(): Promise<string[]> {
    try {
      for (const request of this.#requests.values())
        for (const attempt of request.attempts.values())
          if (attempt.endedAt === undefined) {
            attempt.endedAt = this.#lastAt;
            this.#closeAttempt(attempt);
          }
      this.#requests.clear();
      await this.#tracerProvider.forceFlush();
      await this.#tracerProvider.shutdown();
      for (const { attributes, n } of this.#requestMetrics.values())
        this.#instruments.requests.add(n, attributes);
      for (const { target, attributes, n, input, output } of this.#attemptCounts.values()) {
        this.#instruments.attempts.add(n, attributes);
        const tokens = this.#targetAttributes(target);
        if (input > 0)
          this.#instruments.tokens.add(input, { ...tokens, [GEN_AI.tokenType]: 'input' });
        if (output > 0)
          this.#instruments.tokens.add(output, { ...tokens, [GEN_AI.tokenType]: 'output' });
      }
      this.#attemptCounts.clear();
      const { resourceMetrics } = await this.#reader.collect();
      const stamped = this.#stamp(resourceMetrics);
      const failures = this.#processors.flatMap((p) => p.failures);
      const metricsBytes = JsonMetricsSerializer.serializeRequest(stamped);
      if (this.#metricsFile !== undefined && metricsBytes !== undefined)
        this.#metricsFile.writeLine(metricsBytes);
      if (this.#metricExporter !== undefined) {
        const exporter = this.#metricExporter;
        const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) =>
          exporter.export(stamped, resolve),
        );
        if (result.code !== ExportResultCode.SUCCESS)
          failures.push(result.error?.message ?? 'metrics export failed');
        await exporter.shutdown();
      }
      await this.#meterProvider.shutdown();
      for (const file of this.#files) file.commit();
      return failures;
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /** Drops the unfinished files (the drill failed). */
  abort(): void {
    for (const file of this.#files) file.discard();
  }

  /**
   * The collected metrics with drill-time timestamps instead of the wall clock's, the SDK's
   * instruments and the drill's histograms under one instrumentation scope.
   */
  #stamp(metrics: ResourceMetrics): ResourceMetrics {
    const start = hrTime(this.#firstAt ?? 0);
    const end = hrTime(this.#lastAt);
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
