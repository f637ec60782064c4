/**
 * @module telemetry/drill-metrics
 * The drill's metrics from the engine's events: requests and attempts by outcome, tokens, the
 * breaker state per target, and the latency and cost histograms. Counts are kept per attribute
 * set while the drill runs and added to the SDK's counters once, at the end: one `add` per
 * request would cost the drill more than everything else here.
 */
import type { Attributes, Counter, Meter } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import type { BreakerState, EngineEvent } from '../engine/events.js';
import type { RequestOutcome, Target } from '../engine/types.js';
import { targetKey } from '../engine/types.js';
import { DRILL, GEN_AI } from './attributes.js';
import type { HistogramSeries } from './drill-histograms.js';
import type { DrillHistograms } from './telemetry-sdk.js';

const BREAKER_VALUE: Readonly<Record<BreakerState, number>> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

/** The GenAI attributes naming a target. */
export function targetAttributes(target: Target): Attributes {
  return {
    [GEN_AI.operationName]: 'chat',
    [GEN_AI.providerName]: target.provider,
    [GEN_AI.requestModel]: target.model,
  };
}

/** How an attempt ended, as the spans and metrics name it. */
export interface AttemptResult {
  /** `ok`, or the failure reason. */
  readonly outcome: string;
  /** The error type (the HTTP status for a status failure); none for a success. */
  readonly errorType: string | undefined;
}

/** An attempt's result from its end event. */
export function attemptResult(event: Extract<EngineEvent, { type: 'attempt:end' }>): AttemptResult {
  if (event.ok) return { outcome: 'ok', errorType: undefined };
  const outcome = event.reason ?? 'failed';
  return {
    outcome,
    errorType: event.reason === 'http-status' ? String(event.status) : event.reason,
  };
}

/** A request's result: `success`, `degraded` (a stand-in answered) or `failed`. */
export function requestResult(outcome: RequestOutcome): 'success' | 'degraded' | 'failed' {
  return outcome.ok ? (outcome.degraded ? 'degraded' : 'success') : 'failed';
}

interface AttemptCounts {
  readonly target: Target;
  readonly attributes: Attributes;
  readonly duration: HistogramSeries;
  n: number;
  input: number;
  output: number;
}

interface RequestCounts {
  readonly attributes: Attributes;
  readonly duration: HistogramSeries;
  readonly cost: HistogramSeries;
  n: number;
}

/** Counts one drill's requests and attempts; `flush` hands them to the SDK's counters. */
export class DrillMetrics {
  readonly #histograms: DrillHistograms;
  readonly #breakers = new Map<string, { target: Target; state: BreakerState }>();
  readonly #attempts = new Map<string, AttemptCounts>();
  readonly #requests = new Map<string, RequestCounts>();
  readonly #counters: {
    readonly requests: Counter;
    readonly attempts: Counter;
    readonly tokens: Counter;
  };

  constructor(meter: Meter, histograms: DrillHistograms) {
    this.#histograms = histograms;
    this.#counters = {
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
          result.observe(BREAKER_VALUE[state], targetAttributes(target));
      });
  }

  /** A breaker moved to `state`. */
  breaker(target: Target, state: BreakerState): void {
    this.#breakers.set(targetKey(target), { target, state });
  }

  /** The breaker state of a target as last seen. */
  breakerState(target: Target): BreakerState {
    return this.#breakers.get(targetKey(target))?.state ?? 'closed';
  }

  /** Counts an ended attempt, its tokens and its duration. */
  attemptEnded(event: Extract<EngineEvent, { type: 'attempt:end' }>, result: AttemptResult): void {
    const { outcome, errorType } = result;
    const key = `${event.target.provider}\0${event.target.model}\0${outcome}\0${errorType ?? ''}`;
    let counts = this.#attempts.get(key);
    if (counts === undefined) {
      const attributes = {
        ...targetAttributes(event.target),
        [DRILL.outcome]: outcome,
        ...(errorType === undefined ? {} : { [ATTR_ERROR_TYPE]: errorType }),
      };
      counts = {
        target: event.target,
        attributes,
        duration: this.#histograms.attemptDuration.series(key, () => attributes),
        n: 0,
        input: 0,
        output: 0,
      };
      this.#attempts.set(key, counts);
    }
    counts.n++;
    if (event.usage !== undefined) {
      counts.input += event.usage.inputTokens;
      counts.output += event.usage.outputTokens;
    }
    counts.duration.record((event.at - event.startedAt) / 1_000);
  }

  /**
   * Counts an ended request of `group` and its latency; returns the cost series to record the
   * request's cost in, when the drill knows it.
   */
  requestEnded(outcome: RequestOutcome, group: string): HistogramSeries {
    const result = requestResult(outcome);
    const errorType = outcome.ok ? '' : outcome.reason;
    const key = `${group}\0${result}\0${errorType}`;
    let counts = this.#requests.get(key);
    if (counts === undefined) {
      const attributes: Attributes = {
        [GEN_AI.operationName]: 'chat',
        [GEN_AI.requestModel]: group,
        [DRILL.outcome]: result,
        ...(errorType === '' ? {} : { [ATTR_ERROR_TYPE]: errorType }),
      };
      counts = {
        attributes,
        n: 0,
        duration: this.#histograms.requestDuration.series(key, () => attributes),
        cost: this.#histograms.cost.series(key, () => attributes),
      };
      this.#requests.set(key, counts);
    }
    counts.n++;
    counts.duration.record(outcome.latencyMs / 1_000);
    return counts.cost;
  }

  /** Adds the counts to the SDK's counters, once, before the metrics are collected. */
  flush(): void {
    for (const { attributes, n } of this.#requests.values())
      this.#counters.requests.add(n, attributes);
    for (const { target, attributes, n, input, output } of this.#attempts.values()) {
      this.#counters.attempts.add(n, attributes);
      const tokens = targetAttributes(target);
      if (input > 0) this.#counters.tokens.add(input, { ...tokens, [GEN_AI.tokenType]: 'input' });
      if (output > 0)
        this.#counters.tokens.add(output, { ...tokens, [GEN_AI.tokenType]: 'output' });
    }
    this.#attempts.clear();
  }
}
