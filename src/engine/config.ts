/**
 * @module engine/config
 * The failover config: one zod schema is the source of its types, its validation and its JSON
 * Schema. Every option has a default, so `groups` alone is a working config.
 */
import { z } from 'zod';
import { duration, share } from '../units.js';
import { PRESETS, type PresetName } from './presets.js';
import {
  budgetSchema,
  bulkheadSchema,
  cacheSchema,
  degradeSchema,
  healthCheckSchema,
  hedgeSchema,
  rateLimitSchema,
} from './optional-sections.js';
import { targetSchema } from './target.js';
import { validateSchema } from './answer-validation.js';

const groupSchema = z
  .strictObject({
    targets: z
      .array(targetSchema)
      .min(1, 'a group needs at least one target')
      .describe('Targets in priority order: the first healthy one serves.'),
    strategy: z
      .enum(['priority', 'weighted', 'least-latency', 'cost-aware'])
      .default('priority')
      .describe(
        '`priority`: in the order given; `weighted`: the first target drawn by `weights`; `least-latency`: the fastest first (moving average of answers); `cost-aware`: the cheapest first by `prices` (input plus output price).',
      ),
    weights: z
      .array(z.number().positive())
      .optional()
      .describe('`weighted`: one positive weight per target.'),
    canary: z
      .strictObject({
        target: targetSchema,
        share: share,
        /** @defaultValue 50 */
        minRequests: z.number().int().min(1).default(50),
        /** @defaultValue 1.2 */
        maxLatencyRatio: z.number().positive().default(1.2),
        /** @defaultValue 1% */
        maxErrorRateDelta: share.default(0.01),
      })
      .optional()
      .describe('A share of traffic tries a candidate target first, judged against the primary.'),
    contextFallback: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A group with larger-context models, tried when a target refuses a request as too long for its context window. Without it such a refusal ends the request.',
      ),
  })
  .superRefine((group, ctx) => {
    if (group.weights !== undefined && group.weights.length !== group.targets.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['weights'],
        message: `give one weight per target (${group.targets.length})`,
      });
    }
    if (group.strategy === 'weighted' && group.weights === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['weights'],
        message: 'the weighted strategy needs weights',
      });
    }
  });

/** Retry with exponential backoff and jitter, per target. */
export const retrySchema = z
  .strictObject({
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(3)
      .describe('Attempts per target, the first included.'),
    baseDelay: duration.default(200).describe('Backoff before the first retry, doubled each time.'),
    maxDelay: duration.default(5_000).describe('Longest backoff.'),
    jitter: z
      .enum(['full', 'equal', 'decorrelated', 'none'])
      .default('full')
      .describe(
        '`full`: uniform in [0, backoff]; `equal`: half fixed, half random; `decorrelated`: between the base and three times the previous delay; `none`.',
      ),
    retryAfterCap: duration
      .default(10_000)
      .describe('A Retry-After longer than this fails over instead of waiting.'),
    on: z
      .strictObject({
        statuses: z
          .array(z.number().int().min(400).max(599))
          .default([408, 409, 429, 500, 502, 503, 504, 529]),
        network: z.boolean().default(true),
        /** A timed-out route is not waited on again by default: the request fails over. */
        timeout: z.boolean().default(false),
        stream: z.boolean().default(true),
        invalid: z
          .boolean()
          .default(true)
          .describe('Answers judged invalid by `validate` (when it is set).'),
      })
      .default({
        statuses: [408, 409, 429, 500, 502, 503, 504, 529],
        network: true,
        timeout: false,
        stream: true,
        invalid: true,
      })
      .describe(
        'Which transient failures are retried on the same target; the others fail over at once.',
      ),
    budget: z
      .strictObject({
        ratio: share.default(0.2),
        minPerSecond: z.number().nonnegative().default(10),
        window: duration.default(10_000),
      })
      .default({ ratio: 0.2, minPerSecond: 10, window: 10_000 })
      .describe(
        'Retries allowed, over a sliding window: `minPerSecond` always, plus `ratio` per request.',
      ),
  })
  .default({
    on: {
      statuses: [408, 409, 429, 500, 502, 503, 504, 529],
      network: true,
      timeout: false,
      stream: true,
      invalid: true,
    },
    budget: { ratio: 0.2, minPerSecond: 10, window: 10_000 },
    maxAttempts: 3,
    baseDelay: 200,
    maxDelay: 5_000,
    jitter: 'full',
    retryAfterCap: 10_000,
  });

/** Timeouts. */
export const timeoutSchema = z
  .strictObject({
    attempt: duration
      .default(60_000)
      .describe(
        'Longest single attempt, headers to last byte: long enough for a whole unstreamed answer (4,096 tokens at 70 tokens/s take 59 s).',
      ),
    total: duration
      .default(120_000)
      .describe('Deadline for the whole caller request, all retries and failovers included.'),
    firstToken: z
      .union([z.literal('off'), duration])
      .default(10_000)
      .describe(
        'Streams only: the first content token must arrive this soon after the attempt starts. `off` disables it.',
      ),
    streamIdle: z
      .union([z.literal('off'), duration])
      .default(10_000)
      .describe('Streams only: the longest gap allowed between two chunks; `off` disables it.'),
    connect: duration
      .optional()
      .describe(
        'Time to establish a connection, enforced by the production transport (undici). Drills have no connection phase: refused and reset connections fail at once or mid-request instead.',
      ),
  })
  .default({ attempt: 60_000, total: 120_000, firstToken: 10_000, streamIdle: 10_000 });

/** What to do when a streamed answer breaks after its first content. */
export const streamSchema = z
  .strictObject({
    onBreak: z
      .enum(['restart', 'continue', 'error'])
      .default('restart')
      .describe(
        '`restart`: ask the next attempt (same target or the next) for the whole answer again; `continue`: send the text received so far as an assistant prefill so the next attempt carries on from it, where the target supports prefill (else a clean restart); `error`: end the request with the stream error, no retry and no failover.',
      ),
    prefill: z
      .record(z.string().min(1), z.boolean())
      .default({})
      .describe(
        'Which providers continue an assistant prefill. Unlisted providers on the Anthropic wire are tried and remembered as unable once they refuse one; unlisted OpenAI-wire providers are never sent one (most ignore it and answer afresh).',
      ),
  })
  .default({ onBreak: 'restart', prefill: {} });

/** Circuit breaker, one per target. */
export const breakerSchema = z
  .strictObject({
    kind: z
      .enum(['consecutive', 'ratio', 'latency'])
      .default('consecutive')
      .describe(
        '`consecutive`: a run of failures opens it; `ratio`: a failure share of a window; `latency`: a latency percentile of a window, for a target that slows down without failing.',
      ),
    consecutiveFailures: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('`consecutive`: failures in a row that open the breaker.'),
    failureRatio: share.default(0.5).describe('`ratio`: the failure share that opens it.'),
    window: duration
      .default(30_000)
      .describe('`ratio`: the sliding window the share is taken over.'),
    minimumThroughput: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe('`ratio`, `latency`: attempts the window must hold before the share counts.'),
    percentile: z
      .number()
      .gt(0)
      .lt(100)
      .default(95)
      .describe(
        '`latency`: the percentile of attempt times (start to last byte) over the window that opens it once past `latencyThreshold`. Failed attempts count as slow.',
      ),
    latencyThreshold: duration
      .default(10_000)
      .describe('`latency`: the attempt time the percentile must stay within.'),
    breakDuration: duration
      .default(30_000)
      .describe('How long an open breaker refuses traffic before a probe.'),
    maxBreakDuration: duration
      .optional()
      .describe('Each failed probe doubles the break, up to this.'),
    halfOpenProbes: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('Probe requests let through while half-open.'),
  })
  .default({
    kind: 'consecutive',
    consecutiveFailures: 5,
    failureRatio: 0.5,
    window: 30_000,
    minimumThroughput: 20,
    percentile: 95,
    latencyThreshold: 10_000,
    breakDuration: 30_000,
    halfOpenProbes: 1,
  });

/** A production endpoint; the simulator fills these in from the scenario's providers. */
export const endpointSchema = z.strictObject({
  wire: z.enum(['openai', 'anthropic']),
  baseUrl: z.url(),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
    .optional()
    .describe(
      'Name of the environment variable that holds the API key; the key itself never appears in a file.',
    ),
});

/** The whole failover config. */
export const failoverConfigSchema = z
  .strictObject({
    preset: z
      .enum(Object.keys(PRESETS) as [PresetName, ...PresetName[]])
      .optional()
      .describe(
        'A named starting point (`default`, `fast-failover`, `patient`); the keys below override it.',
      ),
    groups: z
      .record(z.string().min(1), groupSchema)
      .describe('Model groups: the name the application asks for, mapped to ordered targets.'),
    retry: retrySchema.describe('Retry with exponential backoff and jitter, per target.'),
    timeout: timeoutSchema.describe('Per attempt, per caller request, and for streams.'),
    breaker: breakerSchema.describe('A circuit breaker per target.'),
    stream: streamSchema.describe(
      'What to do when a streamed answer breaks after its first content.',
    ),
    validate: validateSchema
      .optional()
      .describe(
        'Answer validation: empty answers, refusals, cut answers, invalid JSON and swapped models become failed attempts (`invalid-answer`), retried or failed over. Off unless set.',
      ),
    bulkhead: bulkheadSchema
      .optional()
      .describe(
        'At most so many attempts in flight per provider; the rest wait briefly or fail over. Off unless set.',
      ),
    rateLimit: rateLimitSchema
      .optional()
      .describe(
        "Client-side RPM and TPM limits per provider, to stay under the providers' limits instead of learning them from 429s. Off unless set.",
      ),
    cache: cacheSchema
      .optional()
      .describe('Answers kept by the whole conversation. Off unless set.'),
    degrade: degradeSchema
      .optional()
      .describe('What a caller gets when every target failed. Off unless set.'),
    budget: budgetSchema
      .optional()
      .describe(
        'Spend per window, metered from the answers; past it, downgrade to a cheaper group or reject. Off unless set.',
      ),
    hedge: hedgeSchema
      .optional()
      .describe(
        'A second attempt on the next target when the first is slow; the first answer wins. Off unless set.',
      ),
    healthCheck: healthCheckSchema
      .optional()
      .describe(
        'Active probes of every target: eject the failing, bring them back, keep idle ones warm. Off unless set.',
      ),
    prices: z
      .record(
        z.string().min(1),
        z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() }),
      )
      .default({})
      .describe(
        "USD per million tokens, keyed `provider/model`, for the budget guard and cost-aware routing. In a drill, targets missing here take the scenario's prices.",
      ),
    providers: z
      .record(z.string().min(1), endpointSchema)
      .optional()
      .describe('Endpoints per provider, for production use.'),
  })
  .superRefine((config, ctx) => {
    for (const [name, group] of Object.entries(config.groups)) {
      const to = group.contextFallback;
      if (to === undefined) continue;
      if (config.groups[to] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['groups', name, 'contextFallback'],
          message: `model group "${to}" is not defined in groups`,
        });
      } else if (to === name) {
        ctx.addIssue({
          code: 'custom',
          path: ['groups', name, 'contextFallback'],
          message: 'a group cannot be its own context fallback',
        });
      }
    }
    const to = config.budget?.downgradeTo;
    if (to !== undefined && config.groups[to] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['budget', 'downgradeTo'],
        message: `model group "${to}" is not defined in groups`,
      });
    }
  })
  .meta({ title: 'failover-drill failover config' });

/** A failover config as written in a file. */
export type FailoverConfigInput = z.input<typeof failoverConfigSchema>;
/** A failover config with every default filled in and every unit resolved. */
export type FailoverConfig = z.output<typeof failoverConfigSchema>;
/** An endpoint as resolved. */
export type Endpoint = z.output<typeof endpointSchema>;
/** One model group of a config, as the engine reads it. */
export type GroupConfig = FailoverConfig['groups'][string];
