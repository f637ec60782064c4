/**
 * @module simulator/simulate
 * One simulated run: a virtual clock, seeded rng streams, the scenario's mock providers, the
 * engine under a given config, the traffic, and a recorder. Runs to the end of the drill and
 * until every request in flight has ended.
 */
import type { RequestHandler } from 'msw';
import type { FailoverConfig } from '../engine/config.js';
import type { EngineEvent } from '../engine/events.js';
import { FailoverEngine } from '../engine/failover-engine.js';
import type { ResolvedEndpoint } from '../engine/wire/wire-adapter.js';
import { buildTimeline, faultsOf } from '../providers/fault-timeline.js';
import { createMockProvider } from '../providers/mock-provider.js';
import { ProviderModel } from '../providers/provider-model.js';
import type { BillingRecord } from '../providers/response-plan.js';
import { Recorder, type SimulationResult } from '../report/recorder.js';
import { meterPlan } from '../report/conduct-meter.js';
import type { Scenario } from '../scenario/load-scenario.js';
import { inProcessTransport } from './in-process-transport.js';
import { seededRng } from '../seeded-rng.js';
import { scheduleArrivals } from './traffic.js';
import { VirtualClock } from './virtual-clock.js';

/** The host a provider is simulated at (a reserved `.test` name, never resolvable). */
export function simulatedBaseUrl(provider: string): string {
  return `https://${provider}.failover-drill.test/v1`;
}

/** Options of {@link simulate}. */
export interface SimulateOptions {
  readonly seed: number;
  /** Called now and then with the share of drill time done, 0 to 1. */
  readonly onProgress?: (done: number) => void;
  /** Told every engine event, after the report's recorder. */
  readonly onEvent?: (event: EngineEvent) => void;
  /** Told what every attempt cost, as the providers bill it. */
  readonly onBill?: (record: BillingRecord) => void;
}

/** The result of one run. */
export type { SimulationResult };

/**
 * Each scenario provider's model for a drill: its spec, its share of the fault timeline and its
 * own seeded stream, at its in-process base URL.
 */
export function providerModels(
  scenario: Scenario,
  seed: number,
): {
  name: string;
  wire: Scenario['providers'][string]['wire'];
  baseUrl: string;
  model: ProviderModel;
}[] {
  const timeline = buildTimeline(scenario.faults);
  return Object.entries(scenario.providers).map(([name, spec]) => ({
    name,
    wire: spec.wire,
    baseUrl: simulatedBaseUrl(name),
    model: new ProviderModel(
      name,
      spec,
      faultsOf(timeline, name),
      seededRng(seed, `provider:${name}`),
      scenario.startsAt,
    ),
  }));
}

/** Runs the scenario's traffic and faults against the engine configured by `config`. */
export async function simulate(
  scenario: Scenario,
  config: FailoverConfig,
  options: SimulateOptions,
): Promise<SimulationResult> {
  const { seed } = options;
  const clock = new VirtualClock(scenario.startsAt);
  const recorder = new Recorder(clock, meterPlan(scenario));

  const extraBill = options.onBill;
  const onBill =
    extraBill === undefined
      ? recorder.onBill
      : (record: BillingRecord): void => {
          recorder.onBill(record);
          extraBill(record);
        };
  const handlers = new Map<string, RequestHandler[]>();
  const endpoints: Record<string, ResolvedEndpoint> = {};
  for (const { name, wire, baseUrl, model } of providerModels(scenario, seed)) {
    handlers.set(new URL(baseUrl).origin, createMockProvider({ model, clock, baseUrl, onBill }));
    endpoints[name] = { wire, baseUrl, apiKey: 'drill-key' };
  }

  const engine = new FailoverEngine(withScenarioPrices(config, scenario), {
    clock,
    transport: inProcessTransport(handlers),
    rng: seededRng(seed, 'engine'),
    endpoints,
  });
  engine.events.on(recorder.onEvent);
  if (options.onEvent !== undefined) engine.events.on(options.onEvent);

  let lastEnd = scenario.startsAt;
  scheduleArrivals(
    scenario,
    seed,
    clock,
    (request) => {
      void engine.handle(request).then(() => {
        lastEnd = Math.max(lastEnd, clock.now());
      });
      engine.startHealthChecks();
    },
    // The last request is under way: stop probing, so the drill can end when it has.
    () => engine.stopHealthChecks(),
  );

  const onProgress = options.onProgress;
  await clock.run(
    onProgress === undefined
      ? {}
      : { onTick: (now) => onProgress(Math.min(1, (now - scenario.startsAt) / scenario.duration)) },
  );
  return {
    aggregate: recorder.summary(),
    simulatedMs: Math.max(scenario.duration, lastEnd - scenario.startsAt),
  };
}

/** The config with the scenario's prices filled in for targets it gives none for. */
export function withScenarioPrices(config: FailoverConfig, scenario: Scenario): FailoverConfig {
  const prices: Record<string, { input: number; output: number }> = {};
  for (const [provider, spec] of Object.entries(scenario.providers)) {
    for (const [model, price] of Object.entries(spec.models))
      prices[`${provider}/${model}`] = { input: price.input, output: price.output };
  }
  return { ...config, prices: { ...prices, ...config.prices } };
}
