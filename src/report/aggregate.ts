/**
 * @module report/aggregate
 * What a drill run adds up to: the recorder's aggregate, as the report is built from it.
 */
import type { BreakerState } from '../engine/events.js';
import type { LatencySummary } from './latency-histogram.js';
import type { ConductFigures } from './conduct-meter.js';
import type { MinuteStory, WorstRequest } from './timeline-meter.js';

/** A failover episode: traffic of a group moved off `from`. */
export interface FailoverEpisode {
  readonly from: string;
  readonly to: string;
  /** When the first request failed over, ms from the start of the drill. */
  readonly atMs: number;
  /** From the start of the first failed attempt on `from` (since its last success) to the failover. */
  readonly detectionMs: number;
  /** When `from` served again, ms from the start; `null` if it never did during the drill. */
  recoveredAtMs: number | null;
}

/** Requests and spend in one minute of drill time. */
export interface MinuteBucket {
  readonly minute: number;
  total: number;
  succeeded: number;
  degraded: number;
  failed: number;
  costUsd: number;
}

/** A minute as the aggregate reports it: its bucket, its story and the latency of its requests. */
export interface MinuteSummary extends MinuteBucket, MinuteStory {
  /** Caller-visible latency of the requests that started in this minute (0 when none). */
  readonly latencyMs: { p50: number; p95: number; max: number };
}

/** One target's circuit breaker over a drill. */
export interface BreakerHistory {
  /** Times it opened (from closed or after a failed probe). */
  opens: number;
  /** Its state when the drill ended. */
  atEnd: BreakerState;
  /** Its first `MAX_TRANSITIONS` transitions, ms from the start. */
  readonly transitions: { atMs: number; from: BreakerState; to: BreakerState }[];
}

/** Breaker transitions listed per target; more are only counted in `opens`. */
export const MAX_TRANSITIONS = 500;

/** Everything a drill run adds up to. */
export interface Aggregate {
  readonly requests: { total: number; succeeded: number; degraded: number; failed: number };
  readonly failuresByReason: Record<string, number>;
  /** Failed requests a provider refused as invalid (context length, content filter). */
  readonly refused: number;
  readonly latencyMs: LatencySummary;
  readonly attempts: {
    total: number;
    byProvider: Record<string, number>;
    /** The most attempts any one request took. */
    maxPerRequest: number;
    /** Retries on the same target after a backoff or a Retry-After. */
    retries: number;
    /** Attempts sent to a target before the Retry-After it gave the same request had passed. */
    earlyRetries: number;
  };
  /** Broken streams continued from a prefill, and prefills a target refused. */
  readonly streams: { continued: number; prefillRefused: number };
  /** Circuit breakers that changed state, keyed `provider/model`. */
  readonly breakers: Record<string, BreakerHistory>;
  readonly costUsd: {
    total: number;
    byProvider: Record<string, number>;
    byModel: Record<string, number>;
    wasted: number;
  };
  readonly failovers: readonly FailoverEpisode[];
  /** Failover episodes beyond the first `MAX_EPISODES`, counted but not listed. */
  readonly failoversUnlisted: number;
  readonly minutes: readonly MinuteSummary[];
  /** Requests still unanswered when the drill ended (a harness or config defect). */
  readonly unfinished: number;
  /** Attempts per target, retry gaps, recoveries, and answers that were not what they claimed. */
  readonly conduct: ConductFigures;
  /** The slowest answered and the slowest failed requests, with their attempts. */
  readonly worst: {
    readonly slowest: readonly WorstRequest[];
    readonly failed: readonly WorstRequest[];
  };
}

/** One simulated run of a drill, as the report is built from it. */
export interface SimulationResult {
  readonly aggregate: Aggregate;
  /** Drill time from start until the last request ended. */
  readonly simulatedMs: number;
}
