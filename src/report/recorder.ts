/**
 * @module report/recorder
 * Streams a drill's engine events and the providers' billing into aggregates: counts, an HDR
 * histogram, cost sums, failover episodes and per-minute buckets. Memory grows with requests in
 * flight and with minutes of drill time, never with the number of requests.
 */
import type { Clock } from '../engine/clock.js';
import type { EngineEvent } from '../engine/events.js';
import { targetKey } from '../engine/types.js';
import type { BillingRecord } from '../providers/response-plan.js';
import {
  MAX_TRANSITIONS,
  type Aggregate,
  type BreakerHistory,
  type FailoverEpisode,
  type MinuteBucket,
} from './aggregate.js';
import { ConductMeter, type FlightMeter, type MeterPlan } from './conduct-meter.js';
import { LatencyHistogram } from './latency-histogram.js';
import { TimelineMeter, type StoryFlight } from './timeline-meter.js';

export { MAX_TRANSITIONS } from './aggregate.js';
export type {
  Aggregate,
  BreakerHistory,
  FailoverEpisode,
  MinuteBucket,
  MinuteSummary,
  SimulationResult,
} from './aggregate.js';

/** A drill with no fault window and no SLO span to watch. */
const NOTHING_TO_WATCH: MeterPlan = { windows: [], withinMs: [], refusals: [] };

/** Episodes listed in full; more are only counted. */
export const MAX_EPISODES = 1_000;

const add = (record: Record<string, number>, key: string, value: number): void => {
  record[key] = (record[key] ?? 0) + value;
};

/** Sorts a record's keys so reports do not depend on arrival order. */
export function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** Collects one drill run. */
export class Recorder {
  readonly #startMs: number;
  readonly #latency = new LatencyHistogram();
  readonly #requests = { total: 0, succeeded: 0, degraded: 0, failed: 0 };
  readonly #failures: Record<string, number> = {};
  readonly #attempts: Record<string, number> = {};
  #attemptTotal = 0;
  #maxPerRequest = 0;
  #retries = 0;
  #earlyRetries = 0;
  #refused = 0;
  readonly #streams = { continued: 0, prefillRefused: 0 };
  readonly #breakers = new Map<string, BreakerHistory>();
  readonly #cost = {
    total: 0,
    useful: 0,
    byProvider: {} as Record<string, number>,
    byModel: {} as Record<string, number>,
  };
  /**
   * Per request in flight: the cost of each attempt, to tell useful spend from waste, and the
   * Retry-After each target gave it.
   */
  readonly #inFlight = new Map<
    string,
    {
      startMs: number;
      costs: Map<number, number>;
      notBefore?: Map<string, number>;
      meter: FlightMeter;
      story: StoryFlight;
    }
  >();
  readonly #meter: ConductMeter;
  readonly #timeline: TimelineMeter;
  readonly #streakStart = new Map<string, number>();
  readonly #openEpisodes = new Map<string, FailoverEpisode>();
  /** Per target: when the attempt began whose success last proved it healthy. */
  readonly #recoveredBy = new Map<string, number>();
  readonly #episodes: FailoverEpisode[] = [];
  #unlisted = 0;
  readonly #minutes: MinuteBucket[] = [];

  readonly #clock: Clock;

  /**
   * Starts recording at the clock's current time, the start of the drill.
   * @param plan - the fault windows and SLO spans to watch (see `meterPlan`).
   */
  constructor(clock: Clock, plan: MeterPlan = NOTHING_TO_WATCH) {
    this.#clock = clock;
    this.#startMs = clock.now();
    this.#meter = new ConductMeter(plan, this.#startMs);
    this.#timeline = new TimelineMeter(this.#startMs);
  }

  #minute(at: number): MinuteBucket {
    const minute = Math.max(0, Math.floor((at - this.#startMs) / 60_000));
    for (let m = this.#minutes.length; m <= minute; m++)
      this.#minutes.push({ minute: m, total: 0, succeeded: 0, degraded: 0, failed: 0, costUsd: 0 });
    return this.#minutes[minute] as MinuteBucket;
  }

  /** Subscribe this to the engine's events. */
  readonly onEvent = (event: EngineEvent): void => {
    switch (event.type) {
      case 'request:start':
        this.#inFlight.set(event.requestId, {
          startMs: event.at,
          costs: new Map(),
          meter: this.#meter.start(event),
          story: this.#timeline.start(event),
        });
        return;
      case 'attempt:start': {
        this.#attemptTotal++;
        add(this.#attempts, event.target.provider, 1);
        const flight = this.#inFlight.get(event.requestId);
        this.#meter.attemptStarted(flight?.meter, event);
        this.#timeline.attemptStarted(flight?.story, event);
        const notBefore = flight?.notBefore;
        if (notBefore !== undefined && (notBefore.get(targetKey(event.target)) ?? 0) > event.at)
          this.#earlyRetries++;
        return;
      }
      case 'retry:scheduled':
        this.#retries++;
        this.#timeline.retried(event.at);
        return;
      case 'prefill:refused':
        this.#streams.prefillRefused++;
        return;
      case 'breaker:transition':
        this.#breakerMoved(event);
        return;
      case 'attempt:end': {
        const flight = this.#inFlight.get(event.requestId);
        this.#meter.attemptEnded(flight?.meter, event);
        this.#timeline.attemptEnded(flight?.story, event);
        this.#attemptEnded(event);
        return;
      }
      case 'failover':
        this.#timeline.failedOver(event.at);
        this.#failedOver(event);
        return;
      case 'request:end':
        this.#requestEnded(event);
        return;
      default:
        return;
    }
  };

  /** A breaker's opens, its state at the end and its first transitions. */
  #breakerMoved(event: Extract<EngineEvent, { type: 'breaker:transition' }>): void {
    const key = targetKey(event.target);
    let history = this.#breakers.get(key);
    if (history === undefined) {
      history = { opens: 0, atEnd: 'closed', transitions: [] };
      this.#breakers.set(key, history);
    }
    if (event.to === 'open') history.opens++;
    history.atEnd = event.to;
    if (history.transitions.length < MAX_TRANSITIONS)
      history.transitions.push({
        atMs: event.at - this.#startMs,
        from: event.from,
        to: event.to,
      });
  }

  /** Retry-After hints, and where each target's trouble began and ended. */
  #attemptEnded(event: Extract<EngineEvent, { type: 'attempt:end' }>): void {
    const key = targetKey(event.target);
    if (event.retryAfterMs !== undefined) {
      const flight = this.#inFlight.get(event.requestId);
      if (flight !== undefined) {
        flight.notBefore ??= new Map();
        flight.notBefore.set(key, event.at + event.retryAfterMs);
      }
    }
    if (event.ok) {
      // Only an attempt started after the trouble began proves the target is back: a long
      // answer that was already under way when the outage began says nothing.
      const streak = this.#streakStart.get(key);
      if (streak !== undefined && event.startedAt <= streak) return;
      if (streak !== undefined) {
        // Noted only where trouble ended, not on every good answer: this runs per attempt.
        this.#streakStart.delete(key);
        this.#recoveredBy.set(key, event.startedAt);
      }
      const open = this.#openEpisodes.get(key);
      if (open !== undefined && event.startedAt - this.#startMs > open.atMs) {
        open.recoveredAtMs = event.at - this.#startMs;
        this.#openEpisodes.delete(key);
      }
    } else if (
      event.reason !== 'aborted' &&
      event.reason !== 'breaker-open' &&
      !this.#streakStart.has(key)
    ) {
      this.#streakStart.set(key, event.startedAt);
    }
  }

  /** A failover that starts an outage episode, unless one is open or it is a late echo. */
  #failedOver(event: Extract<EngineEvent, { type: 'failover' }>): void {
    const from = targetKey(event.from);
    if (this.#openEpisodes.has(from)) return;
    // A failover caused by a failure from before the target was proven back belongs to the
    // episode that already ended: a late echo, not a new outage detected in no time.
    const failedAt = event.failedAttemptStartedAt;
    const recovered = this.#recoveredBy.get(from);
    if (failedAt !== undefined && recovered !== undefined && recovered > failedAt) return;
    const episode: FailoverEpisode = {
      from,
      to: targetKey(event.to),
      atMs: event.at - this.#startMs,
      detectionMs: event.at - (this.#streakStart.get(from) ?? event.at),
      recoveredAtMs: null,
    };
    this.#openEpisodes.set(from, episode);
    if (this.#episodes.length < MAX_EPISODES) this.#episodes.push(episode);
    else this.#unlisted++;
  }

  /** A request's outcome, latency and useful cost, overall and in its minute. */
  #requestEnded(event: Extract<EngineEvent, { type: 'request:end' }>): void {
    const outcome = event.outcome;
    const flight = this.#inFlight.get(outcome.requestId);
    this.#inFlight.delete(outcome.requestId);
    this.#meter.ended(flight?.meter, outcome);
    this.#timeline.ended(flight?.story, outcome, event.at);
    const bucket = this.#minute(flight?.startMs ?? event.at);
    this.#requests.total++;
    bucket.total++;
    // Per minute, the timeline keeps it, answered and failed apart.
    this.#latency.record(outcome.latencyMs);
    if (outcome.attempts > this.#maxPerRequest) this.#maxPerRequest = outcome.attempts;
    if (outcome.ok) {
      if (outcome.degraded) {
        this.#requests.degraded++;
        bucket.degraded++;
      } else {
        this.#requests.succeeded++;
        bucket.succeeded++;
      }
      this.#cost.useful += flight?.costs.get(outcome.attempt) ?? 0;
      if (outcome.continues !== undefined) {
        this.#streams.continued++;
        for (const attempt of outcome.continues)
          this.#cost.useful += flight?.costs.get(attempt) ?? 0;
      }
    } else {
      this.#requests.failed++;
      bucket.failed++;
      add(this.#failures, outcome.reason, 1);
      if (outcome.refusal !== undefined) this.#refused++;
    }
  }

  /** Subscribe this to the mock providers' billing. */
  readonly onBill = (record: BillingRecord): void => {
    const cost = record.costUsd;
    this.#cost.total += cost;
    add(this.#cost.byProvider, record.provider, cost);
    add(this.#cost.byModel, `${record.provider}/${record.model}`, cost);
    this.#minute(this.#clock.now()).costUsd += cost;
    const id = record.attemptId;
    if (id === undefined) return;
    const hash = id.lastIndexOf('#');
    const flight = this.#inFlight.get(id.slice(0, hash));
    if (flight !== undefined) flight.costs.set(Number(id.slice(hash + 1)), cost);
  };

  /** The aggregate so far. */
  summary(): Aggregate {
    return {
      requests: { ...this.#requests },
      failuresByReason: sortedRecord(this.#failures),
      refused: this.#refused,
      latencyMs: this.#latency.summary(),
      attempts: {
        total: this.#attemptTotal,
        byProvider: sortedRecord(this.#attempts),
        maxPerRequest: this.#maxPerRequest,
        retries: this.#retries,
        earlyRetries: this.#earlyRetries,
      },
      streams: { ...this.#streams },
      breakers: Object.fromEntries(
        [...this.#breakers.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([key, h]) => [key, { ...h, transitions: h.transitions.map((t) => ({ ...t })) }]),
      ),
      costUsd: {
        total: this.#cost.total,
        byProvider: sortedRecord(this.#cost.byProvider),
        byModel: sortedRecord(this.#cost.byModel),
        wasted: Math.max(0, this.#cost.total - this.#cost.useful),
      },
      failovers: this.#episodes.map((e) => ({ ...e })),
      failoversUnlisted: this.#unlisted,
      minutes: Array.from(
        { length: Math.max(this.#minutes.length, this.#timeline.minutes) },
        (_, minute) => {
          const bucket = this.#minutes[minute] ?? {
            minute,
            total: 0,
            succeeded: 0,
            degraded: 0,
            failed: 0,
            costUsd: 0,
          };
          return { ...bucket, ...this.#timeline.minute(minute) };
        },
      ),
      unfinished: this.#inFlight.size,
      conduct: this.#meter.figures(),
      worst: this.#timeline.worst(),
    };
  }
}
