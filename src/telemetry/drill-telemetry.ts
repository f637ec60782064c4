/**
 * @module telemetry/drill-telemetry
 * OpenTelemetry traces and metrics of one drill, built from the engine's events (the engine
 * imports no OpenTelemetry). One root span per caller request and one child per attempt
 * (hedges included), with GenAI semantic-convention attributes, HTTP status and error type, and
 * our own `failover_drill.*` ones; span events for the decisions. Timestamps are drill time:
 * the clock starts at the scenario's `startsAt`, so an hour's drill spans an hour in a trace
 * viewer. Ids are drawn from the seed, so the same drill writes the same trace file.
 *
 * This file maps events to spans; the SDK set-up is in telemetry-sdk.ts, the metrics in
 * drill-metrics.ts, the decisions' span events in span-events.ts.
 */
import { Slowest } from '../slowest.js';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
} from '@opentelemetry/semantic-conventions';
import type { EngineEvent } from '../engine/events.js';
import type { Rng } from '../engine/rng.js';
import type { Target } from '../engine/types.js';
import { targetKey } from '../engine/types.js';
import type { BillingRecord } from '../providers/response-plan.js';
import { seededRng } from '../seeded-rng.js';
import { DRILL, GEN_AI } from './attributes.js';
import { DrillMetrics, attemptResult, requestResult, targetAttributes } from './drill-metrics.js';
import { spanEventFor } from './span-events.js';
import { TelemetrySdk, hrTime, type TelemetryOptions } from './telemetry-sdk.js';
import type { DrillTelemetrySink } from './telemetry-thread.js';

export { hrTime, type TelemetryOptions } from './telemetry-sdk.js';

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
export class DrillTelemetry implements DrillTelemetrySink {
  readonly #options: TelemetryOptions;
  readonly #sdk: TelemetrySdk;
  readonly #metrics: DrillMetrics;
  /** Head sampling: a seeded draw per caller request, so the same requests are traced each run. */
  readonly #sampleRng: Rng;
  readonly #sample: number;
  readonly #requests = new Map<string, RequestState>();
  /** The trace ids of the slowest answered and failed traced requests, as the report lists them. */
  readonly #slowest = new Slowest<readonly [string, string]>();
  readonly #slowestFailed = new Slowest<readonly [string, string]>();
  #firstAt: number | undefined;
  #lastAt = 0;

  constructor(options: TelemetryOptions) {
    this.#options = options;
    this.#sample = options.sample ?? 1;
    this.#sampleRng = seededRng(options.seed, 'telemetry:sample');
    this.#sdk = new TelemetrySdk(options, () => ({ start: this.#firstAt ?? 0, end: this.#lastAt }));
    this.#metrics = new DrillMetrics(this.#sdk.meter, this.#sdk.histograms);
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
      case 'breaker:transition':
        this.#metrics.breaker(event.target, event.to);
        break;
      case 'hedge:start': {
        const request = this.#requests.get(event.requestId);
        if (request === undefined) return;
        request.hedgeTarget = targetKey(event.hedge);
        break;
      }
    }
    this.#decision(event);
  };

  /**
   * Starts a span at drill time `at`. Its attributes are set once it has started: given to
   * `startSpan`, the SDK would check each of them twice (once for the sampler).
   */
  #startSpan(
    name: string,
    kind: SpanKind,
    at: number,
    attributes: Attributes,
    context: Context,
  ): Span {
    return this.#sdk.tracer
      .startSpan(name, { kind, startTime: hrTime(at) }, context)
      .setAttributes(attributes);
  }

  /** A decision, as an event on the request's root span. */
  #decision(event: EngineEvent): void {
    const requestId = 'requestId' in event ? event.requestId : undefined;
    const root = requestId === undefined ? undefined : this.#requests.get(requestId)?.root;
    if (root === undefined) return;
    const spanEvent = spanEventFor(event);
    if (spanEvent !== undefined)
      root.addEvent(spanEvent.name, spanEvent.attributes, hrTime(event.at));
  }

  #startRequest(event: Extract<EngineEvent, { type: 'request:start' }>): void {
    const kept = this.#sample >= 1 || this.#sampleRng.next() < this.#sample;
    const root = kept
      ? this.#startSpan(
          `chat ${event.group}`,
          SpanKind.INTERNAL,
          event.at,
          this.#requestAttributes(event),
          ROOT_CONTEXT,
        )
      : undefined;
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

  #requestAttributes(event: Extract<EngineEvent, { type: 'request:start' }>): Attributes {
    const a: Attributes = {
      [GEN_AI.operationName]: 'chat',
      [GEN_AI.requestModel]: event.group,
      [GEN_AI.requestMaxTokens]: event.request.maxTokens,
      [DRILL.group]: event.group,
      [DRILL.stream]: event.request.stream,
      [DRILL.requestId]: event.requestId,
    };
    if (this.#options.recordContent === true)
      a[GEN_AI.inputMessages] = JSON.stringify(
        event.request.messages.map((m) => ({
          role: m.role,
          parts: [{ type: 'text', content: m.content }],
        })),
      );
    return a;
  }

  #startAttempt(event: Extract<EngineEvent, { type: 'attempt:start' }>): void {
    const request = this.#requests.get(event.requestId);
    if (request?.root === undefined) return;
    const hedge = request.hedgeTarget === targetKey(event.target);
    if (hedge) request.hedgeTarget = undefined;
    const attributes = targetAttributes(event.target);
    attributes[DRILL.attempt] = event.attempt;
    attributes[DRILL.breakerState] = this.#metrics.breakerState(event.target);
    if (hedge) attributes[DRILL.hedge] = true;
    const span = this.#startSpan(
      `chat ${event.target.model}`,
      SpanKind.CLIENT,
      event.at,
      attributes,
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
    const result = attemptResult(event);
    this.#metrics.attemptEnded(event, result);
    const request = this.#requests.get(event.requestId);
    const attempt = request?.attempts.get(event.attempt);
    if (request === undefined || attempt === undefined) return;
    attempt.endedAt = event.at;
    const { outcome, errorType } = result;
    const span = attempt.span;
    // Undefined values are left out by the SDK, as they would be by leaving out their keys.
    span.setAttributes({
      [DRILL.outcome]: outcome,
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: event.status,
      [DRILL.prefilled]: event.prefilled === true ? true : undefined,
      [DRILL.invalidAnswer]: event.invalid,
      [GEN_AI.usageInputTokens]: event.usage?.inputTokens,
      [GEN_AI.usageOutputTokens]: event.usage?.outputTokens,
      [GEN_AI.responseModel]: event.responseModel,
      [ATTR_ERROR_TYPE]: errorType,
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
    const cost = this.#metrics.requestEnded(outcome, request?.group ?? '');
    if (request === undefined) return;
    request.ended = true;
    cost.record(request.costUsd);
    const root = request.root;
    if (root !== undefined) {
      (outcome.ok ? this.#slowest : this.#slowestFailed).offer(outcome.latencyMs, [
        outcome.requestId,
        root.spanContext().traceId,
      ]);
      root.setAttributes({
        [DRILL.outcome]: requestResult(outcome),
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

  /**
   * Trace ids by request id of the slowest answered and failed requests that were traced: every
   * request the report lists as worst and the sampling kept is among them.
   */
  worstTraceIds(): Map<string, string> {
    return new Map([...this.#slowest.values(), ...this.#slowestFailed.values()]);
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
      await this.#sdk.endTraces();
      this.#metrics.flush();
      const failures = await this.#sdk.endMetrics();
      this.#sdk.commit();
      return failures;
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /** Drops the unfinished files (the drill failed). */
  abort(): void {
    this.#sdk.discard();
  }
}
