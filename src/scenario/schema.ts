/**
 * @module scenario/schema
 * Scenario format v1. This zod schema is the single source of the scenario types, of their
 * validation and of `schemas/scenario.schema.json`. Units are resolved here: the output holds
 * milliseconds, per-millisecond rates, fractions and dollars.
 */
import { z } from 'zod';
import { failoverConfigSchema } from '../engine/config.js';
import { duration, ordinalRange, rate, share } from '../units.js';
import { parseSlo } from './slo.js';
import {
  distribution,
  durationDistribution,
  MAX_TOKENS,
  normalise,
  positiveDistribution,
  tokenDistribution,
  tokens,
} from './distribution-schema.js';

export { MAX_TOKENS, type Distribution } from './distribution-schema.js';

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
});

const scheduleEntrySchema = z.strictObject({
  at: duration.describe('When the request is sent, from the start of the drill.'),
  group: z
    .string()
    .min(1)
    .describe('The model group it asks for; it must exist in the failover config.'),
  stream: z.boolean().default(false).describe('Whether it asks for a streamed answer.'),
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

const window = {
  target: z.string().min(1).describe('`provider` or `provider/model`.'),
  at: duration.default(0).describe('When the fault starts, from the start of the drill.'),
  for: duration
    .optional()
    .describe('How long it lasts; leave out (and `until`) for the rest of the drill.'),
  until: duration.optional(),
  probability: share.default(1).describe('Share of requests in the window it hits.'),
  attempts: ordinalRange
    .optional()
    .describe(
      "Only these attempts of a request on the fault's target: `1` (the first), `1-2`, `2-` (every retry).",
    ),
  requests: ordinalRange
    .optional()
    .describe('Only these requests of the drill, numbered from 1 as they arrive: `1`, `1-10`.'),
};

function fault<K extends string, S extends z.core.$ZodLooseShape>(
  kind: K,
  shape: S,
  description: string,
) {
  return z.strictObject({ kind: z.literal(kind), ...window, ...shape }).describe(description);
}

export const faultSchema = z.discriminatedUnion('kind', [
  fault(
    'outage',
    {
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
    },
    'Answers every hit request with the status, or drops (`reset`) or refuses (`refused`) the connection.',
  ),
  fault(
    'error-rate',
    {
      status: z
        .union([z.literal(500), z.literal(502), z.literal(503), z.literal(529)])
        .default(500),
    },
    'The same as an outage, meant with a `probability` below 100%.',
  ),
  fault('latency-spike', { extra: duration }, 'Delays the answer by `extra`.'),
  fault(
    'hang',
    { closeAfter: duration.optional() },
    'Accepts the request and never answers; with `closeAfter`, drops the connection after that long, as a server or proxy with an idle timeout does.',
  ),
  fault(
    'rate-limit',
    { retryAfter: z.union([duration, z.literal('none')]).default('none') },
    'A 429 storm; with `retryAfter` it sends `retry-after` (and `retry-after-ms` on OpenAI).',
  ),
  fault(
    'quota-exhausted',
    {},
    'OpenAI: 429 `insufficient_quota`; Anthropic: 400 "credit balance is too low".',
  ),
  fault(
    'slow-first-token',
    { extra: duration },
    'Headers on time, the first content token `extra` late.',
  ),
  fault(
    'stream-cut',
    { afterTokens: tokens.default(20) },
    'Drops the connection after `afterTokens` output tokens (billed for those).',
  ),
  fault(
    'stream-stall',
    {
      afterTokens: tokens.default(20),
      stall: duration.optional(),
      then: z.enum(['resume', 'close']).default('resume'),
    },
    'Stops sending after `afterTokens` tokens, for `stall` or forever; then resumes, or with `then: close` drops the connection.',
  ).refine((f) => f.then === 'resume' || f.stall !== undefined, {
    message: '`then: close` needs a `stall` to close after',
    path: ['then'],
  }),
  fault(
    'malformed-chunk',
    {
      afterTokens: tokens.optional(),
      atEvent: z.number().int().positive().max(MAX_TOKENS).optional(),
    },
    'Sends one SSE chunk that is not valid JSON after `afterTokens` tokens (20 unless said), or as the `atEvent`th content event of the stream.',
  ).refine((f) => f.afterTokens === undefined || f.atEvent === undefined, {
    message: 'give `afterTokens` or `atEvent`, not both',
    path: ['atEvent'],
  }),
  fault(
    'stream-no-done',
    {},
    'Sends the finish reason and usage, never `[DONE]` / `message_stop`, and keeps the connection open.',
  ),
  fault('invalid-key', {}, "401 with the provider's authentication error."),
  fault(
    'context-length-exceeded',
    {},
    '400 `context_length_exceeded` (also sent whenever the prompt exceeds `contextWindow`).',
  ),
  fault('content-filter', {}, '400 content-filter refusal.'),
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
/** A fault as resolved. */
export type FaultSpec = z.output<typeof faultSchema>;
/** A provider as resolved. */
export type ProviderSpec = z.output<typeof providerSchema>;
/** Traffic as resolved. */
export type TrafficSpec = z.output<typeof trafficSchema>;
/** Arrivals as resolved. */
export type ArrivalsSpec = z.output<typeof arrivalsSchema>;
/** One entry of a fixed schedule, as resolved. */
export type ScheduleEntry = z.output<typeof scheduleEntrySchema>;

export { normalise as toDistribution };
