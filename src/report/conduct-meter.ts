/**
 * @module report/conduct-meter
 * The figures a conduct check asks of a drill beyond counts and latency: attempts per target,
 * the most attempts a request made in its first N, the gap before a request's first retry, how
 * long each fault window's target took to serve again after the window, and answers presented
 * as whole that were not what they claimed (cut short, empty, a refusal, bad JSON, another model). Streamed per event like the recorder,
 * with per-request state only while the request is in flight.
 */
import type { EngineEvent } from '../engine/events.js';
import { targetKey, type RequestOutcome, type Target } from '../engine/types.js';
import { buildTimeline } from '../providers/fault-timeline.js';
import { DEFAULT_ANSWER_TOKENS, wantedTokens } from '../providers/wire-renderer.js';
import { DEFAULT_REFUSAL, type FaultSpec } from '../scenario/fault-schema.js';
import { parsesAsJson } from '../engine/answer-validation.js';
import type { Slo } from '../scenario/slo.js';

/** What a drill is to watch for, known before it starts. */
export interface MeterPlan {
  /** Fault windows in timeline order: their target (`provider` or `provider/model`) and end, ms from the start. */
  readonly windows: readonly { readonly target: string; readonly endMs: number }[];
  /** The spans `attempts.within.<span>.max` SLOs ask about, ms. */
  readonly withinMs: readonly number[];
  /** The refusal sentences the drill's mock providers may answer with. */
  readonly refusals: readonly string[];
}

/**
 * Answers handed to the caller as whole that fail the drill's own notion of a valid answer, by
 * kind; one answer may be of several kinds (an empty answer is also cut short), and counts once
 * in `invalid`.
 */
export interface AnswerFigures {
  /** Shorter than the whole answer (cut at `max_tokens`, by a `length-cut`, or empty). */
  readonly truncated: number;
  /** The reported model is not the one that answered. */
  readonly wrongModel: number;
  /** No text at all. */
  readonly empty: number;
  /** One of the drill's refusal sentences. */
  readonly refusal: number;
  /** Asked for JSON, and does not parse as JSON. */
  readonly invalidJson: number;
  /** Of any kind above. */
  readonly invalid: number;
}

/** What a drill adds up to here. */
export interface ConductFigures {
  readonly byTarget: Record<string, number>;
  /** Per span asked for: the most attempts a request started within it of its start. */
  readonly withinMax: readonly number[];
  /** The shortest gap from a request's failed attempt to its first retry on that target; null if none retried. */
  readonly firstRetryGapMinMs: number | null;
  /** Per window: from its end to the start of the first attempt its target answered; null if none. */
  readonly recoveryMs: readonly (number | null)[];
  /** Answers handed over as whole that were not what they claimed, by kind. */
  readonly answers: AnswerFigures;
}

/** One request in flight, as the meter follows it. */
export interface FlightMeter {
  readonly startMs: number;
  /** Characters of the whole answer the request asks for. */
  readonly wholeChars: number;
  /** Whether it asks for JSON output. */
  readonly json: boolean;
  /** Attempts started within each span. */
  readonly within: number[] | undefined;
  /** When each target last failed this request. */
  failedAt: Map<string, number> | undefined;
  retried: boolean;
}

/** Reasons an attempt ends that are not the target failing it. */
const NOT_FAILURES = new Set(['aborted', 'breaker-open']);

function matches(windowTarget: string, target: Target): boolean {
  return windowTarget.includes('/')
    ? windowTarget === targetKey(target)
    : windowTarget === target.provider;
}

/** Follows a drill's events for {@link ConductFigures}. */
export class ConductMeter {
  readonly #plan: MeterPlan;
  readonly #startMs: number;
  readonly #byTarget: Record<string, number> = {};
  readonly #withinMax: number[];
  #firstGap = Number.POSITIVE_INFINITY;
  readonly #recovery: (number | null)[];
  /** Whether any window ends during the drill. */
  readonly #watching: boolean;
  readonly #answers = {
    truncated: 0,
    wrongModel: 0,
    empty: 0,
    refusal: 0,
    invalidJson: 0,
    invalid: 0,
  };
  readonly #refusals: ReadonlySet<string>;
  /** The refusals' lengths: an answer of another length is none of them, unhashed. */
  readonly #refusalLengths: ReadonlySet<number>;

  constructor(plan: MeterPlan, startMs: number) {
    this.#plan = plan;
    this.#startMs = startMs;
    this.#withinMax = plan.withinMs.map(() => 0);
    this.#recovery = plan.windows.map(() => null);
    this.#watching = plan.windows.some((w) => Number.isFinite(w.endMs));
    this.#refusals = new Set(plan.refusals);
    this.#refusalLengths = new Set(plan.refusals.map((r) => r.length));
  }

  /** A request starts: what to follow of it. */
  start(event: Extract<EngineEvent, { type: 'request:start' }>): FlightMeter {
    const request = event.request;
    const asked = wantedTokens(request.messages.at(-1)?.content ?? '') ?? DEFAULT_ANSWER_TOKENS;
    return {
      startMs: event.at,
      wholeChars: Math.min(request.maxTokens, asked) * 4,
      json: request.responseFormat === 'json',
      within: this.#plan.withinMs.length === 0 ? undefined : this.#plan.withinMs.map(() => 0),
      failedAt: undefined,
      retried: false,
    };
  }

  attemptStarted(
    flight: FlightMeter | undefined,
    event: Extract<EngineEvent, { type: 'attempt:start' }>,
  ): void {
    const key = targetKey(event.target);
    this.#byTarget[key] = (this.#byTarget[key] ?? 0) + 1;
    if (flight === undefined) return;
    const within = flight.within;
    if (within !== undefined) {
      const since = event.at - flight.startMs;
      this.#plan.withinMs.forEach((span, i) => {
        if (since >= span) return;
        const n = (within[i] ?? 0) + 1;
        within[i] = n;
        if (n > (this.#withinMax[i] ?? 0)) this.#withinMax[i] = n;
      });
    }
    const failed = flight.failedAt?.get(key);
    if (failed !== undefined && !flight.retried) {
      flight.retried = true;
      this.#firstGap = Math.min(this.#firstGap, event.at - failed);
    }
  }

  attemptEnded(
    flight: FlightMeter | undefined,
    event: Extract<EngineEvent, { type: 'attempt:end' }>,
  ): void {
    if (event.ok) {
      if (this.#watching) this.#recovered(event.target, event.startedAt - this.#startMs);
      return;
    }
    if (flight === undefined || NOT_FAILURES.has(event.reason ?? '')) return;
    flight.failedAt ??= new Map();
    flight.failedAt.set(targetKey(event.target), event.at);
  }

  /**
   * An attempt on `target` that started at `startedMs` was answered: the earliest such start after
   * a window's end is its recovery (ends may be reported out of start order).
   */
  #recovered(target: Target, startedMs: number): void {
    this.#plan.windows.forEach((window, i) => {
      if (startedMs < window.endMs || !matches(window.target, target)) return;
      const since = startedMs - window.endMs;
      const known = this.#recovery[i];
      if (known === null || known === undefined || since < known) this.#recovery[i] = since;
    });
  }

  /** A request ends: an answer handed over as whole is checked against what was asked. */
  ended(flight: FlightMeter | undefined, outcome: RequestOutcome): void {
    if (!outcome.ok || outcome.degraded) return;
    // Per request: plain counts, no closure.
    const answers = this.#answers;
    const text = outcome.text;
    const truncated = flight !== undefined && text.length < flight.wholeChars;
    const wrongModel = outcome.responseModel !== outcome.target.model;
    const empty = text.trim() === '';
    // An answer is built from its stream's pieces: hashing it would first copy it whole.
    const refusal = !empty && this.#refusalLengths.has(text.length) && this.#refusals.has(text);
    const invalidJson = flight?.json === true && !parsesAsJson(text);
    if (truncated) answers.truncated++;
    if (wrongModel) answers.wrongModel++;
    if (empty) answers.empty++;
    if (refusal) answers.refusal++;
    if (invalidJson) answers.invalidJson++;
    if (truncated || wrongModel || empty || refusal || invalidJson) answers.invalid++;
  }

  figures(): ConductFigures {
    return {
      byTarget: { ...this.#byTarget },
      withinMax: [...this.#withinMax],
      firstRetryGapMinMs: Number.isFinite(this.#firstGap) ? this.#firstGap : null,
      recoveryMs: [...this.#recovery],
      answers: { ...this.#answers },
    };
  }
}

/** What a scenario's drill is to watch for: its fault windows that end, and its SLOs' spans. */
export function meterPlan(scenario: {
  readonly faults: readonly FaultSpec[];
  readonly slos: readonly Slo[];
}): MeterPlan {
  // Every window in the timeline's order, so figures line up with the report's faults; an
  // open-ended one is never recovered from.
  const windows = buildTimeline(scenario.faults).map((f) => ({
    target: f.spec.target,
    endMs: f.endMs,
  }));
  const refusals = new Set<string>([DEFAULT_REFUSAL]);
  for (const fault of scenario.faults)
    if (fault.kind === 'refusal-answer') refusals.add(fault.text);
  return { windows, withinMs: withinSpans(scenario.slos), refusals: [...refusals] };
}

/** The spans `attempts.within.<span>.max` SLOs name, in ms, each once, shortest first. */
export function withinSpans(slos: readonly Slo[]): number[] {
  const spans = slos.flatMap((slo) =>
    slo.family === 'attempts.within.max' && typeof slo.parameter === 'number'
      ? [slo.parameter]
      : [],
  );
  return [...new Set(spans)].sort((a, b) => a - b);
}
