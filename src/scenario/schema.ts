/**
 * @module scenario/schema
 * Scenario format v1. This zod schema is the single source of the scenario types, of their
 * validation and of `schemas/scenario.schema.json`. Units are resolved here: the output holds
 * milliseconds, per-millisecond rates, fractions and dollars.
 */
import { z } from 'zod';
import { failoverConfigSchema } from '../engine/config.js';
import { duration, rate, share } from '../units.js';
import { parseSlo } from './slo.js';

/** A distribution over values read by `value` (tokens: numbers; latency: durations). */
function distribution<T extends z.ZodType<number, unknown>>(value: T, what: string) {
  return z.union(
    [
      value,
      // Told apart by `dist`, so a problem inside one (a missing p95) is reported as that.
      z.discriminatedUnion('dist', [
        z.strictObject({ dist: z.literal('constant'), value }),
        z
          .strictObject({ dist: z.literal('uniform'), min: value, max: value })
          .refine((d) => (d as { min: number }).min <= (d as { max: number }).max, {
            message: '"min" must not be larger than "max"',
            path: ['max'],
          }),
        z
          .strictObject({ dist: z.literal('lognormal'), median: value, p95: value })
          .refine((d) => (d as { median: number }).median > 0, {
            message: 'the median of a lognormal must be above 0',
            path: ['median'],
          })
          .refine((d) => (d as { p95: number }).p95 >= (d as { median: number }).median, {
            message: '"p95" must not be below the median: 95% of draws lie under it',
            path: ['p95'],
          }),
      ]),
    ],
    {
      error: `expected ${what}, or { dist: constant | uniform | lognormal, … } with its parameters`,
    },
  );
}

/**
 * The most tokens a request may ask for or be answered with: more than any model's context
 * window, and small enough that a drill can build the prompt in memory.
 */
export const MAX_TOKENS = 2_000_000;

const tokens = z.number().int().nonnegative().max(MAX_TOKENS);
const tokenDistribution = distribution(tokens, 'a token count such as 800').meta({
  description:
    'A token count: a number, or { dist: uniform, min, max } / { dist: lognormal, median, p95 }.',
});
const durationDistribution = distribution(duration, 'a duration such as 400ms').meta({
  description:
    'A duration: 400ms, or { dist: uniform, min, max } / { dist: lognormal, median, p95 }.',
});
const positiveDistribution = distribution(z.number().positive(), 'a positive number');

/** A sampled distribution as resolved: constants become `{ dist: 'constant' }`. */
export type Distribution =
  | { readonly dist: 'constant'; readonly value: number }
  | { readonly dist: 'uniform'; readonly min: number; readonly max: number }
  | { readonly dist: 'lognormal'; readonly median: number; readonly p95: number };

function normalise(d: number | Distribution): Distribution {
  return typeof d === 'number' ? { dist: 'constant', value: d } : d;
}

const arrivalsSchema = z.discriminatedUnion('shape', [
  z.strictObject({ shape: z.literal('constant'), rate }),
  z.strictObject({ shape: z.literal('poisson'), rate }),
  z.strictObject({ shape: z.literal('ramp'), from: rate, to: rate }),
  z.strictObject({ shape: z.literal('spike'), rate, peak: rate, at: duration, for: duration }),
  z.strictObject({
    shape: z.literal('diurnal'),
    min: rate,
    max: rate,
    period: duration.refine((ms) => ms > 0, 'the period must be longer than 0').default(86_400_000),
    peakAt: duration.default(0),
  }),
  z.strictObject({
    shape: z.literal('steps'),
    steps: z
      .array(z.strictObject({ at: duration, rate }))
      .min(1)
      .superRefine((steps, ctx) => {
        steps.forEach((step, i) => {
          const before = steps[i - 1];
          if (before !== undefined && step.at <= before.at)
            ctx.addIssue({
              code: 'custom',
              path: [i, 'at'],
              message: `steps must be in time order: this one starts at or before the one above it`,
            });
        });
      }),
  }),
]);

const mixEntrySchema = z.strictObject({
  /** The model group the application asks for; it must exist in the failover config. */
  group: z.string().min(1),
  weight: z.number().positive().default(1),
  inputTokens: tokenDistribution.optional(),
  outputTokens: tokenDistribution.optional(),
  streaming: share.optional(),
});

const trafficSchema = z.strictObject({
  /** How requests arrive over time. */
  arrivals: arrivalsSchema,
  /** `poisson` (random gaps) or `even` (fixed gaps); default even for `constant`, else poisson. */
  spacing: z.enum(['poisson', 'even']).optional(),
  mix: z.array(mixEntrySchema).min(1),
  inputTokens: tokenDistribution.default(800),
  outputTokens: tokenDistribution.default(300),
  /** `max_tokens` sent with every request. @defaultValue 4096 */
  maxTokens: z.number().int().positive().max(MAX_TOKENS).default(4_096),
  /** Share of requests that ask for a streamed answer. @defaultValue 0 */
  streaming: share.default(0),
  /**
   * A drill expected to send no request is refused as bad input (it would pass every SLO while
   * measuring nothing), unless this says it is meant. @defaultValue false
   */
  allowNoRequests: z.boolean().default(false),
  /** Messages per conversation; the input tokens are spread across them. @defaultValue 1 */
  conversationTurns: distribution(
    z.number().int().positive().max(1_000),
    'a whole number of turns',
  ).default(1),
});

const modelSchema = z.strictObject({
  /** USD per million input tokens. */
  input: z.number().nonnegative(),
  /** USD per million output tokens. */
  output: z.number().nonnegative(),
  contextWindow: z.number().int().positive().max(100_000_000).default(128_000),
});

const providerSchema = z.strictObject({
  wire: z.enum(['openai', 'anthropic']),
  models: z
    .record(z.string().min(1), modelSchema)
    .refine((m) => Object.keys(m).length > 0, 'a provider needs at least one model'),
  latency: z
    .strictObject({
      /** Time to first token. */
      ttft: durationDistribution.default(400),
      /** Output speed after the first token. */
      tokensPerSecond: positiveDistribution.default(80),
    })
    .default({ ttft: 400, tokensPerSecond: 80 }),
  /**
   * Whether the provider continues an assistant prefill (a request whose last message is the
   * assistant's unfinished answer). When false it refuses such a request with a 400, as many
   * current models do. @defaultValue false
   */
  prefill: z.boolean().default(false),
  /** After `idleAfter` without traffic, the next request waits `extra` longer. */
  coldStart: z.strictObject({ idleAfter: duration, extra: duration }).optional(),
  /** Provider-side limits per model (token buckets): beyond them it answers 429. */
  rateLimits: z
    .strictObject({ rpm: z.number().positive().optional(), tpm: z.number().positive().optional() })
    .optional(),
});

const window = {
  /** `provider` or `provider/model`. */
  target: z.string().min(1),
  /** When the fault starts, from the start of the drill. @defaultValue 0 */
  at: duration.default(0),
  /** How long it lasts; leave out (and `until`) for the rest of the drill. */
  for: duration.optional(),
  until: duration.optional(),
  /** Share of requests in the window it hits. @defaultValue 100% */
  probability: share.default(1),
};

function fault<K extends string, S extends z.core.$ZodLooseShape>(kind: K, shape: S) {
  return z.strictObject({ kind: z.literal(kind), ...window, ...shape });
}

export const faultSchema = z.discriminatedUnion('kind', [
  fault('outage', {
    status: z
      .union([
        z.literal(500),
        z.literal(502),
        z.literal(503),
        z.literal(529),
        z.literal('reset'),
        z.literal('refused'),
      ])
      .default(503),
  }),
  fault('error-rate', {
    status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(529)]).default(500),
  }),
  fault('latency-spike', { extra: duration }),
  fault('hang', {}),
  fault('rate-limit', { retryAfter: z.union([duration, z.literal('none')]).default('none') }),
  fault('quota-exhausted', {}),
  fault('slow-first-token', { extra: duration }),
  fault('stream-cut', { afterTokens: tokens.default(20) }),
  fault('stream-stall', { afterTokens: tokens.default(20), stall: duration.optional() }),
  fault('malformed-chunk', { afterTokens: tokens.default(20) }),
  fault('stream-no-done', {}),
  fault('invalid-key', {}),
  fault('context-length-exceeded', {}),
  fault('content-filter', {}),
]);

const sloSchema = z.string().transform((text, ctx) => {
  const slo = parseSlo(text);
  if (typeof slo === 'string') {
    ctx.addIssue({ code: 'custom', message: slo });
    return z.NEVER;
  }
  return slo;
});

/** The whole scenario file. */
export const scenarioSchema = z
  .strictObject({
    name: z
      .string()
      .max(100, 'a name of at most 100 characters (it names the report folder)')
      .regex(
        /^[a-z0-9][a-z0-9._-]*$/i,
        'a name of letters, digits, dots, dashes and underscores (it names the report folder)',
      ),
    description: z.string().optional(),
    /** @defaultValue 1 */
    seed: z.number().int().nonnegative().default(1),
    duration,
    /** The wall-clock instant the drill's time starts at, for timestamps. @defaultValue 2026-01-01T00:00:00Z */
    startsAt: z.iso.datetime().default('2026-01-01T00:00:00Z'),
    traffic: trafficSchema,
    providers: z.record(
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]*$/, 'a provider name of lower-case letters, digits and dashes'),
      providerSchema,
    ),
    faults: z.array(faultSchema).default([]),
    /** The failover config under test, inline or as a path relative to this file. */
    failover: z.union([z.string().min(1), failoverConfigSchema]),
    slos: z.array(sloSchema).default([]),
  })
  .meta({ title: 'failover-drill scenario (v1)' });

/** A scenario as parsed by the schema (the failover config may still be a path). */
export type ScenarioParsed = z.output<typeof scenarioSchema>;
/** A fault as resolved. */
export type FaultSpec = z.output<typeof faultSchema>;
/** A provider as resolved. */
export type ProviderSpec = z.output<typeof providerSchema>;
/** Traffic as resolved. */
export type TrafficSpec = z.output<typeof trafficSchema>;
/** Arrivals as resolved. */
export type ArrivalsSpec = z.output<typeof arrivalsSchema>;

export { normalise as toDistribution };
