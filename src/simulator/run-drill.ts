/**
 * @module simulator/run-drill
 * A whole drill: the engine run through the mock providers, then the baseline (the same
 * traffic and faults, each request sent once to its group's first target by a plain client),
 * then the report.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { VERSION } from '../version.js';
import type { FailoverConfig } from '../engine/config.js';
import { systemClock } from '../engine/runtime/system-clock.js';
import { HarnessError, InputError } from '../errors.js';
import { buildReport } from '../report/build-report.js';
import type { Report } from '../report/report-schema.js';
import type { Scenario } from '../scenario/load-scenario.js';
import { simulatePlainClient } from './plain-client-baseline.js';
import { simulate, type SimulationResult } from './simulate.js';
import type { TelemetryOptions } from '../telemetry/drill-telemetry.js';
import type { DrillTelemetrySink } from '../telemetry/telemetry-thread.js';

/** Options of {@link runDrill}. */
export interface DrillOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** The command that replays this drill, recorded in the report. */
  readonly replay?: string;
  /** Called now and then with the share of the whole drill done, 0 to 1. */
  readonly onProgress?: (done: number) => void;
  /** Traces and metrics of the engine run; none unless set. */
  readonly telemetry?: Omit<TelemetryOptions, 'scenario' | 'seed'>;
  /** Told what a collector refused or could not be sent (the files are written regardless). */
  readonly onExportFailures?: (messages: readonly string[]) => void;
}

/**
 * The "no failover engine" twin of a config: first target only, one attempt, no breaker.
 * The attempt and total timeouts stay, as any plain client has them.
 */
export function baselineConfig(config: FailoverConfig): FailoverConfig {
  const groups = Object.fromEntries(
    Object.entries(config.groups).map(([name, g]) => [
      name,
      { targets: g.targets.slice(0, 1), strategy: 'priority' as const },
    ]),
  );
  // A plain client has none of the engine's extras: no bulkhead, rate limiter, cache, stand-ins,
  // budget, hedging or health checks.
  const {
    bulkhead: _b,
    rateLimit: _r,
    cache: _c,
    degrade: _d,
    budget: _s,
    hedge: _h,
    healthCheck: _k,
    ...plain
  } = config;
  return {
    ...plain,
    groups,
    retry: { ...config.retry, maxAttempts: 1 },
    // A plain client has one timeout for the whole call, no stream-specific limits.
    timeout: {
      attempt: config.timeout.attempt,
      total: config.timeout.total,
      firstToken: 'off',
      streamIdle: 'off',
    },
    stream: { onBreak: 'restart', prefill: {} },
    breaker: {
      ...config.breaker,
      kind: 'consecutive',
      consecutiveFailures: Number.MAX_SAFE_INTEGER,
    },
  };
}

function checkFinished(
  result: SimulationResult,
  run: string,
  scenario: Scenario,
  seed: number,
): void {
  if (result.aggregate.unfinished > 0) {
    throw new HarnessError(
      `${result.aggregate.unfinished} request(s) of the ${run} run of ${scenario.name} (seed ${seed}) never ended`,
    );
  }
}

/**
 * A drill's telemetry, if it writes any: in this thread, or on the telemetry thread when the
 * options ask for it. The OpenTelemetry SDK is loaded only for a drill that writes traces, and
 * only where the telemetry runs.
 */
export async function startTelemetry(
  options: DrillOptions['telemetry'],
  scenario: string,
  seed: number,
): Promise<DrillTelemetrySink | undefined> {
  if (options === undefined) return undefined;
  if (options.thread === true) {
    const { ThreadedTelemetry } = await import('../telemetry/telemetry-thread.js');
    return new ThreadedTelemetry({ ...options, scenario, seed });
  }
  const { DrillTelemetry } = await import('../telemetry/drill-telemetry.js');
  return new DrillTelemetry({ ...options, scenario, seed });
}

/** The tool and the files a drill ran from, for the report's header. */
export function runMetadata(scenario: Scenario): Report['run'] {
  let sha = '';
  try {
    sha = createHash('sha256').update(readFileSync(scenario.file)).digest('hex');
  } catch {
    // A scenario built in memory has no file to hash.
  }
  return {
    tool: `failover-drill ${VERSION}`,
    scenarioFile: scenario.file,
    scenarioSha256: sha,
    ...(scenario.configFile === undefined ? {} : { configFile: scenario.configFile }),
  };
}

/** Runs a scenario with its engine and its baseline and reports on both. */
export async function runDrill(scenario: Scenario, options: DrillOptions = {}): Promise<Report> {
  const seed = options.seed ?? scenario.seed;
  const started = systemClock.now();
  const progress = options.onProgress;
  const telemetry = await startTelemetry(options.telemetry, scenario.name, seed);
  let engine: SimulationResult;
  try {
    engine = await simulate(scenario, scenario.failover, {
      seed,
      ...(progress === undefined ? {} : { onProgress: progress }),
      ...(telemetry === undefined ? {} : { onEvent: telemetry.onEvent, onBill: telemetry.onBill }),
    });
    checkFinished(engine, 'engine', scenario, seed);
    if (engine.aggregate.requests.total === 0 && !scenario.traffic.allowNoRequests)
      throw InputError.of(
        scenario.file,
        `with seed ${seed} the drill sent no request, so it measured nothing; raise the rate or the duration, or set traffic.allowNoRequests: true if that is meant`,
        ['traffic', 'arrivals'],
      );
  } catch (error) {
    telemetry?.abort();
    throw error;
  }
  const exportFailures = (await telemetry?.finish()) ?? [];
  // Equal to simulate(scenario, baselineConfig(…)) by test, at a fraction of the cost.
  const baseline = simulatePlainClient(scenario, baselineConfig(scenario.failover), seed);
  progress?.(1);
  const report = buildReport({
    scenario,
    seed,
    engine,
    baseline,
    wallMs: systemClock.now() - started,
    replay: options.replay ?? `npx failover-drill run ${scenario.file} --seed ${seed}`,
    run: runMetadata(scenario),
    ...(telemetry === undefined ? {} : { traceIds: telemetry.worstTraceIds() }),
  });
  if (exportFailures.length > 0) options.onExportFailures?.(exportFailures);
  return report;
}
