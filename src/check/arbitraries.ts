/**
 * @module check/arbitraries
 * fast-check arbitraries for drills: faults, fault schedules, traffic, failover configs and
 * whole scenarios, as the objects a scenario file holds (durations as `90s`, shares as `50%`),
 * so a value fast-check finds can be written straight into a replayable file. Shrinking goes
 * towards fewer faults, earlier and shorter windows, full outages and plain configs.
 */
import fc from 'fast-check';
import { SOFT_FAULT_KINDS } from '../scenario/fault-schema.js';

/** Fault kinds, the simplest (a full outage) first: fast-check shrinks towards it. */
export const FAULT_KINDS = [
  'outage',
  'error-rate',
  'hang',
  'rate-limit',
  'latency-spike',
  'slow-first-token',
  'stream-cut',
  'stream-stall',
  'malformed-chunk',
  'stream-no-done',
  'quota-exhausted',
  'invalid-key',
  'context-length-exceeded',
  'content-filter',
  ...SOFT_FAULT_KINDS,
] as const;

/** A fault kind. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Kinds that make a target misbehave; the refusals (context length, content filter) judge requests instead. */
export const OUTAGE_KINDS: readonly FaultKind[] = FAULT_KINDS.filter(
  (k) => k !== 'context-length-exceeded' && k !== 'content-filter' && !isSoft(k),
);

/** Kinds that answer 200 with a wrong answer: only a config that validates answers sees them. */
export const SOFT_KINDS: readonly FaultKind[] = FAULT_KINDS.filter(isSoft);

function isSoft(kind: FaultKind): boolean {
  return (SOFT_FAULT_KINDS as readonly string[]).includes(kind);
}

/** A fault as a scenario file writes it. */
export interface FaultInput {
  readonly kind: FaultKind;
  readonly target: string;
  readonly at: string;
  readonly for: string;
  readonly probability: string;
  readonly status?: number | 'reset' | 'refused';
  readonly extra?: string;
  readonly retryAfter?: string;
  readonly afterTokens?: number;
  /** `model-swap`: the model that answers instead. */
  readonly model?: string;
  /** `latency-drift`: where time to first token and speed drift to. */
  readonly ttft?: string;
  readonly tokensPerSecond?: number;
}

/** Options of {@link faultArb}. */
export interface FaultOptions {
  /** Providers (or `provider/model`) faults may hit. */
  readonly targets: readonly string[];
  /** The drill's length: windows start and end inside it. */
  readonly durationMs: number;
  readonly kinds?: readonly FaultKind[];
}

const seconds = (ms: number): string => `${Math.round(ms / 1_000)}s`;

/** The options one kind of fault takes. */
function kindOptions(kind: FaultKind): fc.Arbitrary<Partial<FaultInput>> {
  switch (kind) {
    case 'outage':
      return fc.record({
        status: fc.constantFrom<number | 'reset' | 'refused'>(
          503,
          500,
          502,
          529,
          'reset',
          'refused',
        ),
      });
    case 'error-rate':
      return fc.record({
        status: fc.constantFrom<number | 'reset' | 'refused'>(500, 502, 503, 529),
      });
    case 'latency-spike':
    case 'slow-first-token':
      return fc.record({ extra: fc.integer({ min: 1, max: 60 }).map((s) => `${s}s`) });
    case 'rate-limit':
      return fc.record({
        retryAfter: fc.oneof(
          fc.constant('none'),
          fc.integer({ min: 1, max: 30 }).map((s) => `${s}s`),
        ),
      });
    case 'stream-cut':
    case 'stream-stall':
    case 'malformed-chunk':
    case 'length-cut':
      return fc.record({ afterTokens: fc.integer({ min: 1, max: 200 }) });
    case 'model-swap':
      return fc.record({ model: fc.constantFrom('gpt-4o-mini', 'claude-3-5-haiku-latest') });
    case 'latency-drift':
      return fc.record({
        ttft: fc.integer({ min: 2, max: 30 }).map((s) => `${s}s`),
        tokensPerSecond: fc.integer({ min: 1, max: 40 }),
      });
    default:
      return fc.constant({});
  }
}

/** One fault on one target, its window inside the drill. */
export function faultArb(options: FaultOptions): fc.Arbitrary<FaultInput> {
  const totalSeconds = Math.max(1, Math.floor(options.durationMs / 1_000));
  const kinds = options.kinds ?? FAULT_KINDS;
  return fc
    .record({
      kind: fc.constantFrom(...kinds),
      target: fc.constantFrom(...options.targets),
      atSeconds: fc.integer({ min: 0, max: totalSeconds - 1 }),
      forSeconds: fc.integer({ min: 1, max: totalSeconds }),
      probability: fc.constantFrom('100%', '50%', '10%'),
    })
    .chain(({ kind, target, atSeconds, forSeconds, probability }) =>
      kindOptions(kind).map((extra): FaultInput => ({
        kind,
        target,
        at: seconds(atSeconds * 1_000),
        for: seconds(Math.min(forSeconds, totalSeconds - atSeconds) * 1_000),
        probability,
        ...extra,
      })),
    );
}

/** A fault schedule: up to `maxFaults` faults, at least one. */
export function faultScheduleArb(
  options: FaultOptions & { readonly maxFaults?: number },
): fc.Arbitrary<FaultInput[]> {
  return fc.array(faultArb(options), { minLength: 1, maxLength: options.maxFaults ?? 4 });
}

/** Traffic as a scenario writes it: a rate shape, token sizes, and the streaming and JSON shares. */
export function trafficArb(
  options: { readonly group?: string } = {},
): fc.Arbitrary<Record<string, unknown>> {
  const rate = fc.integer({ min: 10, max: 120 }).map((n) => `${n}/m`);
  return fc.record({
    arrivals: fc.oneof(
      fc.record({ shape: fc.constant('constant'), rate }),
      fc.record({ shape: fc.constant('poisson'), rate }),
      fc.record({ shape: fc.constant('ramp'), from: rate, to: rate }),
    ),
    mix: fc.constant([{ group: options.group ?? 'chat' }]),
    inputTokens: fc.integer({ min: 20, max: 2_000 }),
    outputTokens: fc.integer({ min: 10, max: 400 }),
    streaming: fc.constantFrom('0%', '50%', '100%'),
    json: fc.constantFrom('0%', '25%'),
  });
}

/** A failover config for a group over `targets` (`provider/model`), in file form. */
export function failoverConfigArb(
  targets: readonly string[],
  options: { readonly group?: string } = {},
): fc.Arbitrary<Record<string, unknown>> {
  return fc.record({
    groups: fc
      .shuffledSubarray([...targets], { minLength: 1 })
      .map((chain) => ({ [options.group ?? 'chat']: { targets: chain } })),
    retry: fc.record({
      maxAttempts: fc.integer({ min: 1, max: 4 }),
      baseDelay: fc.integer({ min: 10, max: 1_000 }).map((ms) => `${ms}ms`),
      jitter: fc.constantFrom('full', 'equal', 'decorrelated', 'none'),
    }),
    timeout: fc.record({
      attempt: fc.integer({ min: 5, max: 30 }).map((s) => `${s}s`),
      total: fc.integer({ min: 30, max: 90 }).map((s) => `${s}s`),
    }),
    breaker: fc.record({
      consecutiveFailures: fc.integer({ min: 1, max: 10 }),
      breakDuration: fc.integer({ min: 1, max: 60 }).map((s) => `${s}s`),
    }),
  });
}

/** The providers every generated scenario has: two OpenAI-wire, one Anthropic-wire. */
export const SCENARIO_PROVIDERS = {
  primary: {
    wire: 'openai',
    models: { 'gpt-4o': { input: 2.5, output: 10 } },
    latency: { ttft: '300ms', tokensPerSecond: 100 },
  },
  backup: {
    wire: 'anthropic',
    models: { 'claude-sonnet-4-5': { input: 3, output: 15 } },
    latency: { ttft: '400ms', tokensPerSecond: 80 },
  },
  budget: {
    wire: 'openai',
    models: { 'deepseek-chat': { input: 0.27, output: 1.1 } },
    latency: { ttft: '600ms', tokensPerSecond: 50 },
  },
} as const;

/** The targets of {@link SCENARIO_PROVIDERS}. */
export const SCENARIO_TARGETS = [
  'primary/gpt-4o',
  'backup/claude-sonnet-4-5',
  'budget/deepseek-chat',
] as const;

/** A whole small scenario (two to five minutes) in file form. */
export function scenarioArb(
  options: { readonly maxFaults?: number; readonly kinds?: readonly FaultKind[] } = {},
): fc.Arbitrary<Record<string, unknown>> {
  return fc.integer({ min: 2, max: 5 }).chain((minutes) =>
    fc.record({
      name: fc.constant('generated'),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
      duration: fc.constant(`${minutes}m`),
      traffic: trafficArb(),
      providers: fc.constant(SCENARIO_PROVIDERS),
      faults: fc.array(
        faultArb({
          targets: Object.keys(SCENARIO_PROVIDERS),
          durationMs: minutes * 60_000,
          ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
        }),
        { maxLength: options.maxFaults ?? 3 },
      ),
      failover: failoverConfigArb(SCENARIO_TARGETS),
    }),
  );
}
