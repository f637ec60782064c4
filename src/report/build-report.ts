/**
 * @module report/build-report
 * Turns the engine run and the baseline run into report.json and judges the SLOs.
 */
import { buildTimeline } from '../providers/fault-timeline.js';
import type { Scenario } from '../scenario/load-scenario.js';
import { sloHolds, type Slo, type SloMetric } from '../scenario/slo.js';
import type { SimulationResult } from './recorder.js';
import type { Aggregate } from './recorder.js';
import type { WorstRequest } from './timeline-meter.js';
import type { Report } from './report-schema.js';
import { withinSpans } from './conduct-meter.js';
import { sortedRecord } from './recorder.js';
import { formatDuration } from '../unit-text.js';

/** Dollars to a millionth of a cent; milliseconds to a microsecond: stable, readable numbers. */
const usd = (n: number): number => Math.round(n * 1e8) / 1e8;
const ms = (n: number): number => Math.round(n * 1e3) / 1e3;
const share = (n: number): number => Math.round(n * 1e6) / 1e6;
const nullableMs = (n: number | null | undefined): number | null =>
  n === null || n === undefined ? null : ms(n);

function roundRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, usd(v)]));
}

function availability(agg: Aggregate): number {
  return agg.requests.total === 0 ? 1 : share(agg.requests.succeeded / agg.requests.total);
}

type Figures = Omit<Report, 'slos' | 'pass'>;

/** The SLO's parameter as a string (a provider or target), or '' without one. */
const named = (slo: Slo): string => (typeof slo.parameter === 'string' ? slo.parameter : '');

const METRICS: Readonly<Record<SloMetric, (r: Figures, slo: Slo) => number>> = {
  availability: (r) => r.availability,
  'baseline.availability': (r) => r.baseline.availability,
  'latency.p50': (r) => r.latencyMs.p50,
  'latency.p95': (r) => r.latencyMs.p95,
  'latency.p99': (r) => r.latencyMs.p99,
  'latency.max': (r) => r.latencyMs.max,
  'cost.total': (r) => r.costUsd.total,
  'cost.wasted': (r) => r.costUsd.wasted,
  'failover.count': (r) => r.failovers.length + r.failoversUnlisted,
  'failover.detection.max': (r) => Math.max(0, ...r.failovers.map((f) => f.detectionMs)),
  'requests.failed': (r) => r.requests.failed,
  'requests.refused': (r) => r.failures.refused,
  'attempts.total': (r) => r.attempts.total,
  'attempts.maxPerRequest': (r) => r.attempts.maxPerRequest,
  'attempts.retries': (r) => r.attempts.retries,
  'attempts.earlyRetries': (r) => r.attempts.earlyRetries,
  'failover.unrecovered': (r) => r.failovers.filter((f) => f.recoveredAtMs === null).length,
  'breaker.opens': (r) => Object.values(r.breakers).reduce((n, b) => n + b.opens, 0),
  'breaker.openAtEnd': (r) => Object.values(r.breakers).filter((b) => b.atEnd !== 'closed').length,
  'streams.continued': (r) => r.streams.continued,
  'streams.prefillRefused': (r) => r.streams.prefillRefused,
  // No retry at all: none came sooner than the whole drill.
  'retry.firstGap.min': (r) => r.attempts.firstRetryGapMs ?? r.simulatedMs,
  // A window whose target never answered again is not over until the drill is.
  'failover.recovery.max': (r) =>
    Math.max(
      0,
      ...r.faults.map((f) =>
        f.recoveryMs !== null
          ? f.recoveryMs
          : f.endMs < r.simulatedMs
            ? r.simulatedMs - f.endMs
            : 0,
      ),
    ),
  'answers.truncated': (r) => r.answers.truncated,
  'answers.wrongModel': (r) => r.answers.wrongModel,
  'answers.empty': (r) => r.answers.empty,
  'answers.refusal': (r) => r.answers.refusal,
  'answers.invalidJson': (r) => r.answers.invalidJson,
  'answers.invalid': (r) => r.answers.invalid,
  'attempts.byProvider': (r, slo) => r.attempts.byProvider[named(slo)] ?? 0,
  'attempts.byTarget': (r, slo) => r.attempts.byTarget[named(slo)] ?? 0,
  'attempts.within.max': (r, slo) =>
    r.attempts.within?.[formatDuration(Number(slo.parameter))] ?? 0,
};

/** Reads the figure an SLO names from a report. */
export function sloActual(slo: Slo, figures: Figures): number {
  return METRICS[slo.family](figures, slo);
}

/** Inputs of {@link buildReport}. */
export interface ReportInput {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly engine: SimulationResult;
  readonly baseline: SimulationResult;
  readonly wallMs: number;
  readonly replay: string;
  /** SLOs to judge; the scenario's own by default. */
  readonly slos?: readonly Slo[];
  /** How a live drill of an external gateway ran, for `failover-drill drill`. */
  readonly live?: Report['live'];
  /** The subject drilled in virtual time, for `--subject`. */
  readonly subject?: Report['subject'];
  /** The tool and files of the run, for the report's header. */
  readonly run?: Report['run'];
  /** Trace ids of the worst requests, where traces were written. */
  readonly traceIds?: ReadonlyMap<string, string>;
}

/** One of the worst requests as report.json lists it: times rounded, its trace named. */
function worstRow(w: WorstRequest, traceIds: ReadonlyMap<string, string> | undefined) {
  const traceId = traceIds?.get(w.requestId);
  return {
    ...w,
    startMs: ms(w.startMs),
    latencyMs: ms(w.latencyMs),
    ...(traceId === undefined ? {} : { traceId }),
    attempts: w.attempts.map((a) => ({
      ...a,
      startMs: ms(a.startMs),
      durationMs: ms(a.durationMs),
    })),
  };
}

/** Builds report.json. Everything but `wallMs` is a function of scenario, seed and config. */
export function buildReport(input: ReportInput): Report {
  const e = input.engine.aggregate;
  const b = input.baseline.aggregate;
  // The spans the recorder was told of (`meterPlan`), in its order.
  const spans = withinSpans(input.scenario.slos);
  const figures: Figures = {
    schemaVersion: 1,
    scenario: input.scenario.name,
    seed: input.seed,
    simulatedMs: ms(input.engine.simulatedMs),
    wallMs: Math.round(input.wallMs),
    requests: e.requests,
    availability: availability(e),
    latencyMs: e.latencyMs,
    attempts: {
      total: e.attempts.total,
      byProvider: e.attempts.byProvider,
      byTarget: sortedRecord(e.conduct.byTarget),
      ...(spans.length === 0
        ? {}
        : {
            within: Object.fromEntries(
              spans.map((span, i) => [formatDuration(span), e.conduct.withinMax[i] ?? 0]),
            ),
          }),
      firstRetryGapMs: nullableMs(e.conduct.firstRetryGapMinMs),
      maxPerRequest: e.attempts.maxPerRequest,
      retries: e.attempts.retries,
      earlyRetries: e.attempts.earlyRetries,
    },
    streams: e.streams,
    breakers: Object.fromEntries(
      Object.entries(e.breakers).map(([key, b]) => [
        key,
        { ...b, transitions: b.transitions.map((t) => ({ ...t, atMs: ms(t.atMs) })) },
      ]),
    ),
    costUsd: {
      total: usd(e.costUsd.total),
      byProvider: roundRecord(e.costUsd.byProvider),
      byModel: roundRecord(e.costUsd.byModel),
      wasted: usd(e.costUsd.wasted),
    },
    failures: { byReason: e.failuresByReason, refused: e.refused },
    failovers: e.failovers.map((f) => ({
      from: f.from,
      to: f.to,
      atMs: ms(f.atMs),
      detectionMs: ms(f.detectionMs),
      recoveredAtMs: f.recoveredAtMs === null ? null : ms(f.recoveredAtMs),
    })),
    failoversUnlisted: e.failoversUnlisted,
    faults: buildTimeline(input.scenario.faults).map((f, i) => ({
      kind: f.spec.kind,
      target: f.spec.target,
      startMs: ms(f.startMs),
      endMs: ms(Math.min(f.endMs, input.engine.simulatedMs)),
      probability: f.spec.probability,
      recoveryMs: nullableMs(e.conduct.recoveryMs[i]),
    })),
    answers: e.conduct.answers,
    worst: {
      slowest: e.worst.slowest.map((w) => worstRow(w, input.traceIds)),
      failed: e.worst.failed.map((w) => worstRow(w, input.traceIds)),
    },
    ...(input.run === undefined ? {} : { run: input.run }),
    baseline: {
      requests: b.requests,
      availability: availability(b),
      latencyMs: b.latencyMs,
      costUsd: usd(b.costUsd.total),
      costUsdByModel: roundRecord(b.costUsd.byModel),
      answers: b.conduct.answers,
    },
    timeline: {
      minutes: e.minutes.map((m) => ({ ...m, costUsd: usd(m.costUsd) })),
      baselineMinutes: b.minutes.map((m) => ({ ...m, costUsd: usd(m.costUsd) })),
    },
    ...(input.live === undefined ? {} : { live: input.live }),
    ...(input.subject === undefined ? {} : { subject: input.subject }),
    replay: input.replay,
  };
  const slos = (input.slos ?? input.scenario.slos).map((slo) => {
    const actual = sloActual(slo, figures);
    return {
      name: slo.name,
      metric: slo.metric,
      op: slo.op,
      threshold: slo.threshold,
      actual,
      pass: sloHolds(slo, actual),
    };
  });
  const { replay, ...rest } = figures;
  return { ...rest, slos, pass: slos.every((s) => s.pass), replay };
}
