/**
 * @module scenario/schema
 * Scenario format v1. This zod schema is the single source of the scenario types, of their
 * validation and of `schemas/scenario.schema.json`. Units are resolved here: the output holds
 * milliseconds, per-millisecond rates, fractions and dollars.
 */
import { z } from 'zod';
import { failoverConfigSchema } from '../engine/config.js';
import { duration, rate, share } from '../units.js';
import { faultSchema } from './fault-schema.js';
import { parseSlo } from './slo.js';
import {
  distribution,
  durationDistribution,
  MAX_TOKENS,
  normalise,
  positiveDistribution,
  tokenDistribution,
} from './distribution-schema.js';

export { MAX_TOKENS, type Distribution } from './distribution-schema.js';
export { faultSchema, type FaultSpec } from './fault-schema.js';

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
  group: z
    .string()
    .min(1)
    .describe('The model group the application asks for; it must exist in the failover config.'),
  weight: z.number().positive().default(1),
  inputTokens: tokenDistribution.optional(),
  outputTokens: tokenDistribution.optional(),
  streaming: share.optional(),
  json: share.optional().describe("This group's share of requests asking for JSON output."),
});

const scheduleEntrySchema = z.strictObject({
  at: duration.describe('When the request is sent, from the start of the drill.'),
  group: z
    .string()
    .min(1)
    .describe('The model group it asks for; it must exist in the failover config.'),
  stream: z.boolean().default(false).describe('Whether it asks for a streamed answer.'),
  json: z.boolean().default(false).describe('Whether it asks for JSON output.'),
  inputTokens: tokenDistribution
    .optional()
    .describe("The prompt's size; `traffic.inputTokens` if unsaid."),
  outputTokens: tokenDistribution
    .optional()
    .describe('The answer length it asks for; `traffic.outputTokens` if unsaid.'),
  count: z
    .number()
    .int()
    .positive()
    .max(100_000)
    .default(1)
    .describe('How many such requests are sent at that instant.'),
});

const scheduleSchema = z
  .array(scheduleEntrySchema)
  .min(1)
  .superRefine((entries, ctx) => {
    entries.forEach((entry, i) => {
      const before = entries[i - 1];
      if (before !== undefined && entry.at < before.at)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'at'],
          message:
            'the schedule must be in time order: this request is sent before the one above it',
        });
    });
  });

const trafficSchema = z
  .strictObject({
    arrivals: arrivalsSchema
      .optional()
      .describe('How requests arrive over time; or give a `schedule` instead.'),
    schedule: scheduleSchema
      .optional()
      .describe(
        'Requests at fixed times instead of `arrivals`, e.g. `[{ at: 0s, group: chat }, { at: 60s, group: chat }]`.',
      ),
    spacing: z
      .enum(['poisson', 'even'])
      .optional()
      .describe(
        '`poisson` (random gaps) or `even` (fixed gaps); default even for `constant`, else poisson.',
      ),
    mix: z
      .array(mixEntrySchema)
      .default([])
      .describe('The model groups requests ask for, by weight; needed with `arrivals`.'),
    inputTokens: tokenDistribution.default(800),
    outputTokens: tokenDistribution.default(300),
    maxTokens: z
      .number()
      .int()
      .positive()
      .max(MAX_TOKENS)
      .default(4_096)
      .describe('`max_tokens` sent with every request.'),
    streaming: share.default(0).describe('Share of requests that ask for a streamed answer.'),
    json: share
      .default(0)
      .describe(
        'Share of requests that ask for JSON output (`{ "answer": string }`): `response_format: json_schema` on OpenAI, `output_config.format` on Anthropic.',
      ),
    allowNoRequests: z
      .boolean()
      .default(false)
      .describe(
        'A drill expected to send no request is refused as bad input (it would pass every SLO while measuring nothing), unless this says it is meant.',
      ),
    conversationTurns: distribution(
      z.number().int().positive().max(1_000),
      'a whole number of turns',
    )
      .meta({ title: 'number or distribution' })
      .default(1)
      .describe('Messages per conversation; the input tokens are spread across them.'),
  })
  .superRefine((traffic, ctx) => {
    if (traffic.arrivals === undefined && traffic.schedule === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['arrivals'],
        message:
          'give `arrivals` (a rate shape such as { shape: constant, rate: 60/m }) or a `schedule` of requests at fixed times',
      });
    else if (traffic.arrivals !== undefined && traffic.schedule !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['schedule'],
        message: 'give either `arrivals` or a `schedule`, not both',
      });
    else if (traffic.arrivals !== undefined && traffic.mix.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['mix'],
        message: 'with `arrivals`, the mix needs at least one group, e.g. mix: [{ group: chat }]',
      });
  });

const modelSchema = z.strictObject({
  input: z.number().nonnegative().describe('USD per million input tokens.'),
  output: z.number().nonnegative().describe('USD per million output tokens.'),
  contextWindow: z.number().int().positive().max(100_000_000).default(128_000),
});

const providerSchema = z.strictObject({
  wire: z.enum(['openai', 'anthropic']),
  models: z
    .record(z.string().min(1), modelSchema)
    .refine((m) => Object.keys(m).length > 0, 'a provider needs at least one model'),
  latency: z
    .strictObject({
      ttft: durationDistribution.default(400).describe('Time to first token.'),
      tokensPerSecond: positiveDistribution
        .default(80)
        .describe('Output speed after the first token.'),
    })
    .default({ ttft: 400, tokensPerSecond: 80 }),
  chunkTokens: z
    .number()
    .int()
    .positive()
    .max(10_000)
    .default(8)
    .describe(
      "Content tokens per SSE event of a streamed answer. OpenAI sends about one token an event and Anthropic a few; 8 keeps long drills fast, 1 gives OpenAI's exact framing at about half the speed of a stream-heavy drill.",
    ),
  prefill: z
    .boolean()
    .default(false)
    .describe(
      "Whether the provider continues an assistant prefill (a request whose last message is the assistant's unfinished answer). When false it refuses such a request with a 400, as many current models do.",
    ),
  coldStart: z
    .strictObject({ idleAfter: duration, extra: duration })
    .optional()
    .describe('After `idleAfter` without traffic, the next request waits `extra` longer.'),
  rateLimits: z
    .strictObject({ rpm: z.number().positive().optional(), tpm: z.number().positive().optional() })
    .optional()
    .describe('Provider-side limits per model (token buckets): beyond them it answers 429.'),
});

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
      )
      .describe('Names the report folder, `reports/<name>/`.'),
    description: z.string().optional().describe('What the drill is about, for the reader.'),
    seed: z
      .number()
      .int()
      .nonnegative()
      .default(1)
      .describe('Every random draw derives from it; `--seed` overrides it.'),
    duration: duration.describe('How much drill time the traffic runs for.'),
    startsAt: z.iso
      .datetime()
      .default('2026-01-01T00:00:00Z')
      .describe("The wall-clock instant the drill's time starts at, for timestamps."),
    traffic: trafficSchema.describe('The requests the application sends.'),
    providers: z.record(
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]*$/, 'a provider name of lower-case letters, digits and dashes'),
      providerSchema,
    ),
    faults: z
      .array(faultSchema)
      .default([])
      .describe(
        'What goes wrong, each on a window, per provider or per model, with a probability. Where several hit one request they are drawn in the order written.',
      ),
    failover: z
      .union([z.string().min(1), failoverConfigSchema])
      .describe('The failover config under test, inline or as a path relative to this file.'),
    slos: z
      .array(sloSchema)
      .default([])
      .describe(
        'Gates such as `availability >= 99.9%` or `latency.p95 <= 15s`; see the scenario format for the metrics.',
      ),
  })
  .meta({ title: 'failover-drill scenario (v1)' });

/** A scenario as parsed by the schema (the failover config may still be a path). */
export type ScenarioParsed = z.output<typeof scenarioSchema>;
/** A provider as resolved. */
export type ProviderSpec = z.output<typeof providerSchema>;
/** Traffic as resolved. */
export type TrafficSpec = z.output<typeof trafficSchema>;
/** Arrivals as resolved. */
export type ArrivalsSpec = z.output<typeof arrivalsSchema>;
/** One entry of a fixed schedule, as resolved. */
export type ScheduleEntry = z.output<typeof scheduleEntrySchema>;

export { normalise as toDistribution };
