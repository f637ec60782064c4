/**
 * @module live/drill
 * A drill of an external gateway in real time. The scenario's providers are served on loopback;
 * its traffic goes to the gateway (OpenAI chat completions, undici over one pooled Agent); each
 * request a provider receives is traced back to the caller request that caused it by a marker at
 * the start of the first message. The gateway stays a black box: attempts, retries and
 * failovers are what the providers saw, latency and outcomes what the caller saw. The events
 * feed the same recorder, telemetry and report as a simulated run.
 */
import type { EngineEvent } from '../engine/events.js';
import { EventHub } from '../engine/events.js';
import { createAttempt } from '../engine/attempt.js';
import type { AttemptFn } from '../engine/policy.js';
import { AttemptTimeoutError } from '../engine/policies/timeout.js';
import type { ChatRequest } from '../engine/types.js';
import { undiciTransport } from '../engine/runtime/undici-transport.js';
import type { Transport } from '../engine/transport.js';
import { HarnessError } from '../errors.js';
import type { BillingRecord } from '../providers/response-plan.js';
import { buildReport } from '../report/build-report.js';
import { Recorder } from '../report/recorder.js';
import { meterPlan } from '../report/conduct-meter.js';
import type { Report } from '../report/report-schema.js';
import type { Scenario } from '../scenario/load-scenario.js';
import { simulatePlainClient } from '../simulator/plain-client-baseline.js';
import { baselineConfig, runMetadata, startTelemetry } from '../simulator/run-drill.js';
import { seededRng } from '../seeded-rng.js';
import { arrivalTimes, RequestFactory } from '../simulator/traffic.js';
import type { TelemetryOptions } from '../telemetry/drill-telemetry.js';
import { Attribution, blackBoxOutcome, marked, UNSEEN_METRICS } from '../simulator/attribution.js';
import { scaledClock, serve, type LiveClock, type Serving } from './serve.js';

/** Options of {@link liveDrill}. */
export interface LiveDrillOptions {
  /** The gateway's OpenAI-compatible base URL, up to the version segment (`…/v1`). */
  readonly target: string;
  /** Drill time runs this many times faster than the wall clock. */
  readonly speed: number;
  /** Port the providers are served on; 0 picks a free one. */
  readonly providersPort: number;
  /** Requests sent at most; the scenario is cut where this many have been sent. */
  readonly maxRequests: number;
  /** Wall time spent sending at most, in ms; the scenario is cut there. */
  readonly maxWallMs: number;
  /** Wall time a request may take before the drill gives up on it, in ms. */
  readonly requestTimeoutMs: number;
  /** Connections to the gateway kept in the pool; more requests queue for one. */
  readonly connections: number;
  /** Headers sent on every request (a gateway's routing config, say). Never recorded. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as `Authorization: Bearer`. Never recorded. */
  readonly apiKey?: string;
  readonly seed?: number;
  /** The command that replays this drill, recorded in the report. */
  readonly replay?: string;
  readonly telemetry?: Omit<TelemetryOptions, 'scenario' | 'seed'>;
  readonly onExportFailures?: (messages: readonly string[]) => void;
  /** Called once the providers listen, before any traffic; awaited. */
  readonly onServing?: (providers: Serving['providers']) => void | Promise<void>;
  /** Called now and then with the share of drill time sent, 0 to 1. */
  readonly onProgress?: (done: number) => void;
}

/**
 * Where to cut the scenario so at most `maxRequests` are sent and drill time stays within
 * `maxDrillMs`: the traffic is drawn as the run will draw it, without sending anything.
 */
export function planCut(
  scenario: Scenario,
  seed: number,
  maxRequests: number,
  maxDrillMs: number,
): number {
  let cut = Math.min(scenario.duration, maxDrillMs);
  const rng = seededRng(seed, 'traffic');
  const factory = new RequestFactory(scenario.traffic, rng);
  let count = 0;
  for (const t of arrivalTimes(scenario.traffic, scenario.duration, rng)) {
    if (t >= cut) break;
    if (count === maxRequests) {
      cut = t;
      break;
    }
    factory.next();
    count++;
  }
  return cut;
}

/** The gateway URL as the report may show it: no credentials, no query. */
export function publicTarget(target: string): string {
  const url = new URL(target);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, '')}`;
}

/** A transport that adds fixed headers to every request. */
function withHeaders(transport: Transport, headers: Readonly<Record<string, string>>): Transport {
  if (Object.keys(headers).length === 0) return transport;
  return async (request, signal) => {
    for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
    return transport(request, signal);
  };
}

/**
 * Sends the scenario's requests at their arrival times on the real clock, up to `maxRequests`,
 * and waits for every one to end. Returns how many were sent and when the last one ended.
 */
async function playTraffic(
  drilled: Scenario,
  seed: number,
  clock: LiveClock,
  send: (request: ChatRequest) => Promise<void>,
  limits: {
    readonly maxRequests: number;
    readonly cutAtMs: number;
    readonly onProgress?: (share: number) => void;
  },
): Promise<{ sent: number; lastEnd: number }> {
  const startsAt = drilled.startsAt;
  let sent = 0;
  let lastEnd = startsAt;
  const inFlight = new Set<Promise<void>>();
  await new Promise<void>((resolve, reject) => {
    const rng = seededRng(seed, 'traffic');
    const arrivals = arrivalTimes(drilled.traffic, drilled.duration, rng);
    const factory = new RequestFactory(drilled.traffic, rng);
    let progressTimer: ReturnType<typeof setInterval> | undefined;
    const progress = limits.onProgress;
    if (progress !== undefined)
      progressTimer = setInterval(
        () => progress(Math.min(1, (clock.now() - startsAt) / Math.max(1, limits.cutAtMs))),
        250,
      );
    const drain = (): void => {
      if (progressTimer !== undefined) clearInterval(progressTimer);
      Promise.all(inFlight).then(() => resolve(), reject);
    };
    const next = (): void => {
      const arrival = arrivals.next();
      if (arrival.done === true || sent >= limits.maxRequests) {
        drain();
        return;
      }
      clock.setTimer(startsAt + arrival.value - clock.now(), () => {
        const request = factory.next();
        sent++;
        const flight = send(request).then(() => {
          lastEnd = Math.max(lastEnd, clock.now());
          inFlight.delete(flight);
        });
        inFlight.add(flight);
        next();
      });
    };
    next();
  });
  return { sent, lastEnd };
}

/**
 * Sends each caller request to the gateway as one attempt under the request timeout, and tells
 * its start and end as engine events. Requests beyond the pool's connections wait for one
 * inside the drill, not the gateway: their latency includes that wait, so they are counted
 * (`queued`) and the reader is told.
 */
function gatewaySender(
  attempt: AttemptFn,
  clock: LiveClock,
  attribution: Attribution,
  emit: (event: EngineEvent) => void,
  options: Pick<LiveDrillOptions, 'connections' | 'requestTimeoutMs'>,
): { send: (request: ChatRequest) => Promise<void>; queued: () => number } {
  let active = 0;
  let queued = 0;
  const send = async (request: ChatRequest): Promise<void> => {
    const at = clock.now();
    if (++active > options.connections) queued++;
    attribution.open(request.id, request.group);
    emit({ type: 'request:start', at, requestId: request.id, group: request.group, request });
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new AttemptTimeoutError(options.requestTimeoutMs)),
      options.requestTimeoutMs,
    );
    const outcome = await attempt({
      request: marked(request),
      target: { provider: 'gateway', model: request.group },
      signal: controller.signal,
      state: { attempts: 0, deadline: Number.POSITIVE_INFINITY, startedAt: at },
    }).finally(() => {
      clearTimeout(timer);
      active--;
    });
    const latencyMs = clock.now() - at;
    const attempts = attribution.flight(request.id)?.attempts ?? [];
    const result = blackBoxOutcome(request.id, outcome, attempts, latencyMs);
    emit({ type: 'request:end', at: clock.now(), outcome: result });
    attribution.close(request.id);
  };
  return { send, queued: () => queued };
}

/** The live drill's report: the plain-client baseline is simulated, as in a simulated drill. */
function liveReport(
  scenario: Scenario,
  drilled: Scenario,
  seed: number,
  options: LiveDrillOptions,
  run: {
    readonly aggregate: ReturnType<Recorder['summary']>;
    readonly simulatedMs: number;
    readonly wallMs: number;
    readonly requestsSent: number;
    readonly cutAtMs: number;
    readonly unattributedAttempts: number;
    readonly queuedForConnection: number;
    /** Trace ids of the worst requests, where traces were written. */
    readonly traceIds: ReadonlyMap<string, string> | undefined;
  },
): Report {
  const baseline = simulatePlainClient(drilled, baselineConfig(drilled.failover), seed);
  const unjudged = drilled.slos.filter((slo) => UNSEEN_METRICS.has(slo.family));
  const target = publicTarget(options.target);
  return buildReport({
    scenario: drilled,
    seed,
    engine: { aggregate: run.aggregate, simulatedMs: run.simulatedMs },
    baseline,
    wallMs: run.wallMs,
    replay:
      options.replay ??
      `npx failover-drill drill ${scenario.file} --target ${target} --seed ${seed}`,
    slos: drilled.slos.filter((slo) => !UNSEEN_METRICS.has(slo.family)),
    run: runMetadata(scenario),
    ...(run.traceIds === undefined ? {} : { traceIds: run.traceIds }),
    live: {
      target,
      speed: options.speed,
      requestsSent: run.requestsSent,
      cutAtMs: run.cutAtMs,
      unattributedAttempts: run.unattributedAttempts,
      queuedForConnection: run.queuedForConnection,
      unjudged: unjudged.map((slo) => slo.name),
    },
  });
}

/** Runs the scenario's traffic through the gateway in real time and reports on it. */
export async function liveDrill(scenario: Scenario, options: LiveDrillOptions): Promise<Report> {
  const seed = options.seed ?? scenario.seed;
  const wallStarted = Date.now();
  const cutAtMs = planCut(scenario, seed, options.maxRequests, options.maxWallMs * options.speed);
  const drilled: Scenario =
    cutAtMs < scenario.duration ? { ...scenario, duration: cutAtMs } : scenario;
  const clock = scaledClock(scenario.startsAt, options.speed);
  const sinks: ((event: EngineEvent) => void)[] = [];
  const emit = (event: EngineEvent): void => {
    for (const sink of sinks) sink(event);
  };
  const attribution = new Attribution(clock, emit);
  const billSinks: ((record: BillingRecord) => void)[] = [attribution.onBill];
  const serving = await serve(scenario, {
    port: options.providersPort,
    host: '127.0.0.1',
    speed: options.speed,
    clock,
    observer: attribution.observe,
    onBill: (record) => {
      for (const sink of billSinks) sink(record);
    },
  });
  const pool = undiciTransport({ connections: options.connections });
  const telemetry = await startTelemetry(options.telemetry, scenario.name, seed);
  try {
    await options.onServing?.(serving.providers);
    const attempt = createAttempt({
      clock,
      transport: withHeaders(pool.transport, options.headers ?? {}),
      events: new EventHub(),
      endpoint: () => ({
        wire: 'openai',
        baseUrl: options.target.replace(/\/$/, ''),
        ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
      }),
    });

    // Drill time starts now, for the providers' faults and for the traffic alike.
    clock.restart();
    const recorder = new Recorder(clock, meterPlan(drilled));
    sinks.push(recorder.onEvent);
    billSinks.push(recorder.onBill);
    if (telemetry !== undefined) {
      sinks.push(telemetry.onEvent);
      billSinks.push(telemetry.onBill);
    }

    const gateway = gatewaySender(attempt, clock, attribution, emit, options);

    const { sent, lastEnd } = await playTraffic(drilled, seed, clock, gateway.send, {
      maxRequests: options.maxRequests,
      cutAtMs,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    options.onProgress?.(1);
    // Attempts still running inside the gateway (a hedge's loser, say) end with the server.
    await serving.close();
    const aggregate = recorder.summary();
    if (aggregate.unfinished > 0)
      throw new HarnessError(
        `${aggregate.unfinished} request(s) of the live drill of ${scenario.name} never ended`,
      );
    const exportFailures = (await telemetry?.finish()) ?? [];
    const report = liveReport(scenario, drilled, seed, options, {
      aggregate,
      simulatedMs: Math.max(drilled.duration, lastEnd - scenario.startsAt),
      wallMs: Date.now() - wallStarted,
      requestsSent: sent,
      cutAtMs,
      unattributedAttempts: attribution.unattributed,
      queuedForConnection: gateway.queued(),
      traceIds: telemetry?.worstTraceIds(),
    });
    if (exportFailures.length > 0) options.onExportFailures?.(exportFailures);
    return report;
  } catch (error) {
    telemetry?.abort();
    throw error;
  } finally {
    await pool.close();
    await serving.close();
  }
}
