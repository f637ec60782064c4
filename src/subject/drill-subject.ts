/**
 * @module subject/drill-subject
 * A drill of a subject in virtual time: the scenario's mock providers in process, the drill's
 * globals installed, the subject created, the traffic sent to its `fetch` as OpenAI chat
 * completions, attempts counted from the providers' side by the marker in each request. Then
 * the simulated plain-client baseline and the report, as for any drill.
 */
import { format } from 'node:util';
import type { RequestHandler } from 'msw';
import { createAttempt } from '../engine/attempt.js';
import type { EngineEvent } from '../engine/events.js';
import { EventHub } from '../engine/events.js';
import { AttemptTimeoutError } from '../engine/policies/timeout.js';
import { systemClock } from '../engine/runtime/system-clock.js';
import type { ChatRequest } from '../engine/types.js';
import { HarnessError, InputError, SubjectRefusedError } from '../errors.js';
import { createMockProvider } from '../providers/mock-provider.js';
import type { BillingRecord } from '../providers/response-plan.js';
import { buildReport } from '../report/build-report.js';
import { Recorder } from '../report/recorder.js';
import { meterPlan } from '../report/conduct-meter.js';
import type { Report } from '../report/report-schema.js';
import type { Scenario } from '../scenario/load-scenario.js';
import { seededRng } from '../seeded-rng.js';
import { Attribution, blackBoxOutcome, marked, UNSEEN_METRICS } from '../simulator/attribution.js';
import { simulatePlainClient } from '../simulator/plain-client-baseline.js';
import {
  baselineConfig,
  runMetadata,
  startTelemetry,
  type DrillOptions,
} from '../simulator/run-drill.js';
import { providerModels } from '../simulator/simulate.js';
import { scheduleArrivals } from '../simulator/traffic.js';
import type { DrillSubject, SubjectContext, SubjectProvider } from './contract.js';
import { firstLine, type LoadedSubject } from './load-subject.js';
import { providerFetch, type ProviderSites } from './provider-fetch.js';
import { VirtualGlobals } from './virtual-globals.js';

/** Where the drill's caller reaches the subject (never resolved: the subject is in process). */
export const SUBJECT_BASE_URL = 'http://subject.failover-drill.test/v1';

/**
 * Drill time a request may take before the caller gives up, unless told otherwise: the engine's
 * default deadline, so a subject is given the same patience as our engine.
 */
export const SUBJECT_REQUEST_TIMEOUT_MS = 120_000;

/** Options of {@link drillSubject}: a drill's, and how long the caller waits for an answer. */
export interface SubjectDrillOptions extends DrillOptions {
  /** Drill time a request may take, ms. @defaultValue {@link SUBJECT_REQUEST_TIMEOUT_MS} */
  readonly requestTimeoutMs?: number;
}

/** A subject drill's report, and the lines the subject logged. */
export interface SubjectDrillResult {
  readonly report: Report;
  readonly log: readonly string[];
}

/** The scenario's mock providers in process, on the drill's clock. */
function providerSites(
  scenario: Scenario,
  seed: number,
  clock: VirtualGlobals,
  onBill: (record: BillingRecord) => void,
): { sites: ProviderSites; providers: Record<string, SubjectProvider> } {
  const byOrigin = new Map<string, { provider: string; handlers: RequestHandler[] }>();
  const providers: Record<string, SubjectProvider> = {};
  for (const { name, wire, baseUrl, model } of providerModels(scenario, seed)) {
    byOrigin.set(new URL(baseUrl).origin, {
      provider: name,
      handlers: createMockProvider({ model, clock, baseUrl, onBill }),
    });
    providers[name] = { baseUrl, wire, apiKey: 'drill-key' };
  }
  return { sites: { byOrigin }, providers };
}

/** Runs drill time until `promise` settles, and returns what it settled to. */
async function inDrillTime<T>(clock: VirtualGlobals, promise: Promise<T>): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  await clock.run(() => settled, { waitForRealIo: true });
  return watched;
}

/** Creates the subject through its module's default export; a failure is bad input. */
async function createSubject(
  clock: VirtualGlobals,
  subject: LoadedSubject,
  context: SubjectContext,
): Promise<DrillSubject> {
  let created: DrillSubject;
  try {
    created = await inDrillTime(
      clock,
      Promise.resolve().then(() => subject.create(context)),
    );
  } catch (error) {
    throw new SubjectRefusedError(subject.module, firstLine(error));
  }
  if (typeof (created as Partial<DrillSubject> | undefined)?.fetch !== 'function')
    throw InputError.of(
      '--subject',
      `${subject.module}: createSubject(context) must return { fetch(request) }, not ${typeof created}`,
    );
  return created;
}

/** What one run of the subject counted. */
interface SubjectRun {
  readonly recorder: Recorder;
  readonly attribution: Attribution;
  readonly lastEnd: number;
  readonly subjectErrors: number;
  readonly about: DrillSubject['about'];
}

/** Sends the traffic through the subject in drill time and waits for every request to end. */
async function runSubject(
  scenario: Scenario,
  seed: number,
  subject: LoadedSubject,
  options: SubjectDrillOptions,
  log: string[],
  sinks: { events: ((event: EngineEvent) => void)[]; bills: ((record: BillingRecord) => void)[] },
): Promise<SubjectRun> {
  const emit = (event: EngineEvent): void => {
    for (const sink of sinks.events) sink(event);
  };
  // The attribution reads the drill's clock, which exists once the globals are installed.
  const clockRef: { current?: VirtualGlobals } = {};
  const attribution = new Attribution(
    { now: () => clockRef.current?.now() ?? scenario.startsAt },
    emit,
  );
  const onBill = (record: BillingRecord): void => {
    attribution.onBill(record);
    for (const sink of sinks.bills) sink(record);
  };
  const fetchRef: { current?: (request: Request) => Promise<Response> } = {};
  const restoreConsole = consoleTo(log);
  const drill = VirtualGlobals.install({
    startsAt: scenario.startsAt,
    // Named as the engine's stream: our engine drilled as a subject draws the same jitter.
    rng: seededRng(seed, 'engine'),
    fetch: (request) => (fetchRef.current as (request: Request) => Promise<Response>)(request),
  });
  clockRef.current = drill;
  const built = providerSites(scenario, seed, drill, onBill);
  fetchRef.current = providerFetch(built.sites, drill, attribution.observe);
  const recorder = new Recorder(drill, meterPlan(scenario));
  sinks.events.unshift(recorder.onEvent);
  sinks.bills.unshift(recorder.onBill);
  try {
    const created = await createSubject(drill, subject, {
      providers: built.providers,
      scenario: structuredClone(scenario),
      seed,
      config: subject.config,
      configFile: subject.configFile,
      log: (line) => log.push(String(line)),
    });
    const send = callerOf(drill, created, attribution, emit, options);
    const close = created.close?.bind(created);
    let inFlight = 0;
    let sending = true;
    let lastEnd = scenario.startsAt;
    scheduleArrivals(
      scenario,
      seed,
      drill,
      (request) => {
        inFlight++;
        void send.request(request).then(() => {
          inFlight--;
          lastEnd = Math.max(lastEnd, drill.now());
        });
      },
      () => {
        sending = false;
      },
    );
    const onProgress = options.onProgress;
    await drill.run(
      () => !sending && inFlight === 0,
      onProgress === undefined
        ? {}
        : {
            onTick: (now) => onProgress(Math.min(1, (now - scenario.startsAt) / scenario.duration)),
          },
    );
    if (close !== undefined) await inDrillTime(drill, Promise.resolve(close()));
    return { recorder, attribution, lastEnd, subjectErrors: send.errors(), about: created.about };
  } finally {
    drill.uninstall();
    restoreConsole();
  }
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'clear'] as const;

/** Sends what the subject prints to its log instead of the terminal; returns the undo. */
function consoleTo(log: string[]): () => void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as they were, unbound
  const saved = CONSOLE_METHODS.map((name) => [name, console[name]] as const);
  for (const name of CONSOLE_METHODS)
    console[name] = (...args: unknown[]) => {
      log.push(`${name}: ${format(...args)}`);
    };
  return () => {
    for (const [name, method] of saved) console[name] = method;
  };
}

/**
 * The caller: each request sent to the subject as one OpenAI chat-completions exchange under
 * the request timeout, its start and end told as engine events.
 */
function callerOf(
  clock: VirtualGlobals,
  subject: DrillSubject,
  attribution: Attribution,
  emit: (event: EngineEvent) => void,
  options: SubjectDrillOptions,
): { request: (request: ChatRequest) => Promise<void>; errors: () => number } {
  const threw = new Set<string>();
  let errors = 0;
  const timeoutMs = options.requestTimeoutMs ?? SUBJECT_REQUEST_TIMEOUT_MS;
  const attempt = createAttempt({
    clock,
    events: new EventHub(),
    endpoint: () => ({ wire: 'openai', baseUrl: SUBJECT_BASE_URL }),
    transport: async (request, signal) => {
      const id = request.headers.get('x-client-request-id') ?? '';
      try {
        const response: unknown = await subject.fetch(new Request(request, { signal }));
        if (!(response instanceof Response))
          throw new TypeError(`the subject's fetch resolved to ${typeof response}, not a Response`);
        return response;
      } catch (error) {
        if (!signal.aborted) threw.add(id.split('#')[0] ?? id);
        throw error;
      }
    },
  });
  const request = async (request: ChatRequest): Promise<void> => {
    const at = clock.now();
    attribution.open(request.id, request.group);
    emit({ type: 'request:start', at, requestId: request.id, group: request.group, request });
    const controller = new AbortController();
    const timer = clock.setTimer(timeoutMs, () =>
      controller.abort(new AttemptTimeoutError(timeoutMs)),
    );
    const outcome = await attempt({
      request: marked(request),
      target: { provider: 'subject', model: request.group },
      signal: controller.signal,
      state: { attempts: 0, deadline: Number.POSITIVE_INFINITY, startedAt: at },
    }).finally(() => timer.dispose());
    const attempts = attribution.flight(request.id)?.attempts ?? [];
    let result = blackBoxOutcome(request.id, outcome, attempts, clock.now() - at);
    if (!result.ok && threw.delete(request.id)) {
      errors++;
      result = { ...result, reason: 'subject-error' };
    }
    emit({ type: 'request:end', at: clock.now(), outcome: result });
    attribution.close(request.id);
  };
  return { request, errors: () => errors };
}

/** Drills the subject on the scenario's traffic and faults, and reports on it. */
export async function drillSubject(
  scenario: Scenario,
  subject: LoadedSubject,
  options: SubjectDrillOptions = {},
): Promise<SubjectDrillResult> {
  const seed = options.seed ?? scenario.seed;
  const started = systemClock.now();
  const telemetry = await startTelemetry(options.telemetry, scenario.name, seed);
  const log: string[] = [];
  let run: SubjectRun;
  try {
    run = await runSubject(scenario, seed, subject, options, log, {
      events: telemetry === undefined ? [] : [telemetry.onEvent],
      bills: telemetry === undefined ? [] : [telemetry.onBill],
    });
  } catch (error) {
    telemetry?.abort();
    throw error;
  }
  const aggregate = run.recorder.summary();
  if (aggregate.unfinished > 0)
    throw new HarnessError(
      `${aggregate.unfinished} request(s) of the drill of subject ${subject.name} on ${scenario.name} (seed ${seed}) never ended`,
    );
  const exportFailures = (await telemetry?.finish()) ?? [];
  const baseline = simulatePlainClient(scenario, baselineConfig(scenario.failover), seed);
  options.onProgress?.(1);
  const unjudged = scenario.slos.filter((slo) => UNSEEN_METRICS.has(slo.family));
  const drilledPackage = run.about ?? subject.modulePackage;
  const report = buildReport({
    scenario,
    seed,
    engine: {
      aggregate,
      simulatedMs: Math.max(scenario.duration, run.lastEnd - scenario.startsAt),
    },
    baseline,
    wallMs: systemClock.now() - started,
    replay:
      options.replay ??
      `npx failover-drill run ${scenario.file} --subject ${subject.name} --seed ${seed}`,
    slos: scenario.slos.filter((slo) => !UNSEEN_METRICS.has(slo.family)),
    run: runMetadata(scenario),
    ...(telemetry === undefined ? {} : { traceIds: telemetry.worstTraceIds() }),
    subject: {
      name: subject.name,
      module: subject.module,
      ...(drilledPackage === undefined
        ? {}
        : { package: { name: drilledPackage.package, version: drilledPackage.version } }),
      ...(subject.configFile === undefined ? {} : { configFile: subject.configFile }),
      requestTimeoutMs: options.requestTimeoutMs ?? SUBJECT_REQUEST_TIMEOUT_MS,
      unattributedAttempts: run.attribution.unattributed,
      subjectErrors: run.subjectErrors,
      unjudged: unjudged.map((slo) => slo.name),
    },
  });
  if (exportFailures.length > 0) options.onExportFailures?.(exportFailures);
  return { report, log };
}
