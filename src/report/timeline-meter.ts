/**
 * @module report/timeline-meter
 * The story of a drill minute by minute, for the HTML report: which target answered, how each
 * attempt ended, retries and failovers, the latency of answered and of failed requests apart;
 * and the worst requests with their attempt chains. Per request state only while it is in
 * flight; the rest grows with minutes of drill time, never with requests.
 */
import type { EngineEvent } from '../engine/events.js';
import { targetKey, type RequestOutcome } from '../engine/types.js';
import { LatencyHistogram } from './latency-histogram.js';
import { Slowest } from '../slowest.js';

/** One attempt of a listed request. */
export interface ChainLink {
  readonly target: string;
  /** ms from the start of the drill. */
  readonly startMs: number;
  durationMs: number;
  /** `ok`, the status (`503`), or the failure reason (`timeout`, `stream-cut`, …). */
  result: string;
}

/** Attempts listed per request; more are counted. */
export const MAX_CHAIN = 10;

/** One of the worst requests. */
export interface WorstRequest {
  readonly requestId: string;
  readonly group: string;
  readonly startMs: number;
  readonly latencyMs: number;
  /** `answered`, `degraded` (a stand-in answered), or the failure reason. */
  readonly outcome: string;
  /** The target that answered, for an answered request. */
  readonly answeredBy?: string;
  readonly attempts: readonly ChainLink[];
  readonly attemptsUnlisted: number;
}

/** One request in flight, as the timeline follows it. */
export interface StoryFlight {
  readonly group: string;
  readonly startMs: number;
  /** Its attempts in order: attempt N is link N - 1. */
  readonly chain: ChainLink[];
  unlisted: number;
}

/** A minute's story as the report writes it. */
export interface MinuteStory {
  /** Requests that started in the minute, by the target that answered (`stand-in` when degraded). */
  readonly answeredBy: Record<string, number>;
  /** Attempts that ended in the minute, by outcome class (see {@link attemptClass}). */
  readonly attempts: Record<string, number>;
  readonly retries: number;
  readonly failovers: number;
  /** Latency of every request that started in the minute, answered or failed. */
  readonly latencyMs: { p50: number; p95: number; max: number };
  readonly answeredLatencyMs: { p50: number; p95: number; max: number };
  readonly failedLatencyMs: { p50: number; p95: number; max: number };
}

interface MinuteCounts {
  answeredBy: Record<string, number>;
  attempts: Record<string, number>;
  retries: number;
  failovers: number;
  answered: LatencyHistogram | undefined;
  failed: LatencyHistogram | undefined;
}

/**
 * How an attempt ended, as the attempt chart groups it: `ok`, `429`, `4xx`, `5xx`, `network`,
 * `timeout`, `stream` (cut or malformed), `invalid` (judged invalid by `validate`), or the
 * reason itself (`aborted`, `shed`, …).
 */
export function attemptClass(event: Extract<EngineEvent, { type: 'attempt:end' }>): string {
  if (event.ok) return 'ok';
  switch (event.reason) {
    case 'http-status': {
      const status = event.status ?? 0;
      return status === 429 ? '429' : status >= 500 ? '5xx' : '4xx';
    }
    case 'stream-cut':
    case 'stream-malformed':
      return 'stream';
    case 'invalid-answer':
      return 'invalid';
    default:
      return event.reason ?? 'failed';
  }
}

const NONE = { p50: 0, p95: 0, max: 0 };
const summary = (h: LatencyHistogram | undefined) => {
  if (h === undefined) return NONE;
  const s = h.summary();
  return { p50: s.p50, p95: s.p95, max: s.max };
};

/** Both histograms' values in one, without touching either. */
function combined(
  a: LatencyHistogram | undefined,
  b: LatencyHistogram | undefined,
): LatencyHistogram | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const both = new LatencyHistogram(2);
  both.add(a);
  both.add(b);
  return both;
}

/** Follows a drill's events for the per-minute story and the worst requests. */
export class TimelineMeter {
  readonly #startMs: number;
  readonly #minutes: MinuteCounts[] = [];
  readonly #slowest = new Slowest<WorstRequest>();
  readonly #failed = new Slowest<WorstRequest>();

  constructor(startMs: number) {
    this.#startMs = startMs;
  }

  #minute(at: number): MinuteCounts {
    const minute = Math.max(0, Math.floor((at - this.#startMs) / 60_000));
    for (let m = this.#minutes.length; m <= minute; m++)
      this.#minutes.push({
        answeredBy: {},
        attempts: {},
        retries: 0,
        failovers: 0,
        answered: undefined,
        failed: undefined,
      });
    return this.#minutes[minute] as MinuteCounts;
  }

  start(event: Extract<EngineEvent, { type: 'request:start' }>): StoryFlight {
    return { group: event.group, startMs: event.at, chain: [], unlisted: 0 };
  }

  attemptStarted(
    flight: StoryFlight | undefined,
    event: Extract<EngineEvent, { type: 'attempt:start' }>,
  ): void {
    if (flight === undefined) return;
    if (flight.chain.length >= MAX_CHAIN) {
      flight.unlisted++;
      return;
    }
    const link: ChainLink = {
      target: targetKey(event.target),
      startMs: event.at - this.#startMs,
      durationMs: 0,
      result: 'unfinished',
    };
    flight.chain.push(link);
  }

  attemptEnded(
    flight: StoryFlight | undefined,
    event: Extract<EngineEvent, { type: 'attempt:end' }>,
  ): void {
    const result = attemptClass(event);
    const attempts = this.#minute(event.at).attempts;
    attempts[result] = (attempts[result] ?? 0) + 1;
    const link = flight?.chain[event.attempt - 1];
    if (link === undefined) return;
    link.durationMs = event.at - event.startedAt;
    link.result =
      event.ok || event.reason !== 'http-status'
        ? (event.reason ?? 'ok')
        : String(event.status ?? 'http-status');
  }

  retried(at: number): void {
    this.#minute(at).retries++;
  }

  failedOver(at: number): void {
    this.#minute(at).failovers++;
  }

  /** A request ends: its latency in its minute, by who answered; a worst one is kept. */
  ended(flight: StoryFlight | undefined, outcome: RequestOutcome, at: number): void {
    const minute = this.#minute(flight?.startMs ?? at);
    const latency = outcome.latencyMs;
    if (outcome.ok) {
      const by = outcome.degraded ? 'stand-in' : targetKey(outcome.target);
      minute.answeredBy[by] = (minute.answeredBy[by] ?? 0) + 1;
      (minute.answered ??= new LatencyHistogram(2)).record(latency);
    } else (minute.failed ??= new LatencyHistogram(2)).record(latency);
    if (flight === undefined) return;
    const list = outcome.ok ? this.#slowest : this.#failed;
    if (!list.admits(latency)) return;
    list.offer(latency, {
      requestId: outcome.requestId,
      group: flight.group,
      startMs: flight.startMs - this.#startMs,
      latencyMs: latency,
      outcome: outcome.ok ? (outcome.degraded ? 'degraded' : 'answered') : outcome.reason,
      ...(outcome.ok && !outcome.degraded ? { answeredBy: targetKey(outcome.target) } : {}),
      attempts: flight.chain.map((link) => ({ ...link })),
      attemptsUnlisted: flight.unlisted,
    });
  }

  /** Minute `m`'s story. */
  minute(m: number): MinuteStory {
    const counts = this.#minutes[m];
    if (counts === undefined)
      return {
        latencyMs: NONE,
        answeredBy: {},
        attempts: {},
        retries: 0,
        failovers: 0,
        answeredLatencyMs: NONE,
        failedLatencyMs: NONE,
      };
    return {
      latencyMs: summary(combined(counts.answered, counts.failed)),
      answeredBy: { ...counts.answeredBy },
      attempts: { ...counts.attempts },
      retries: counts.retries,
      failovers: counts.failovers,
      answeredLatencyMs: summary(counts.answered),
      failedLatencyMs: summary(counts.failed),
    };
  }

  /** Minutes with any story, for the recorder to line up with its buckets. */
  get minutes(): number {
    return this.#minutes.length;
  }

  /** The slowest answered and the slowest failed requests, slowest first. */
  worst(): { readonly slowest: WorstRequest[]; readonly failed: WorstRequest[] } {
    return { slowest: this.#slowest.values(), failed: this.#failed.values() };
  }
}
