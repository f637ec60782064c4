/**
 * @module engine/config
 * The failover config: one zod schema is the source of its types, its validation and its JSON
 * Schema. Every option has a default, so `groups` alone is a working config.
 */
import { z } from 'zod';
import { duration, share } from '../units.js';
import { PRESETS, type PresetName } from './presets.js';
import { targetSchema } from './target.js';

const groupSchema = z
  .strictObject({
    /** Targets in priority order: the first healthy one serves. */
    targets: z.array(targetSchema).min(1, 'a group needs at least one target'),
    /**
     * `priority`: in the order given; `weighted`: the first target drawn by `weights`;
     * `least-latency`: the fastest first (moving average of answers); `cost-aware`: the cheapest
     * first by `prices` (input plus output price). @defaultValue priority
     */
    strategy: z.enum(['priority', 'weighted', 'least-latency', 'cost-aware']).default('priority'),
    /** `weighted`: one positive weight per target. */
    weights: z.array(z.number().positive()).optional(),
    /** A share of traffic tries a candidate target first, judged against the primary. */
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
      .optional(),
    /**
     * A group with larger-context models, tried when a target refuses a request as too long
     * for its context window. Without it such a refusal ends the request.
     */
    contextFallback: z.string().min(1).optional(),
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
    /** Attempts per target, the first included. @defaultValue 3 */
    maxAttempts: z.number().int().min(1).max(20).default(3),
    /** Backoff before the first retry, doubled each time. @defaultValue 200ms */
    baseDelay: duration.default(200),
    /** Longest backoff. @defaultValue 5s */
    maxDelay: duration.default(5_000),
    /**
     * `full`: uniform in [0, backoff]; `equal`: half fixed, half random; `decorrelated`: between
     * the base and three times the previous delay; `none`. @defaultValue full
     */
    jitter: z.enum(['full', 'equal', 'decorrelated', 'none']).default('full'),
    /** A Retry-After longer than this fails over instead of waiting. @defaultValue 10s */
    retryAfterCap: duration.default(10_000),
    /**
     * Which transient failures are retried on the same target; the others fail over at once.
     * @defaultValue statuses 408, 409, 429, 500, 502, 503, 504, 529; network errors and broken
     * streams. Not timeouts: after a timeout the request fails over rather than wait on the
     * same silent route again.
     */
    on: z
      .strictObject({
        statuses: z
          .array(z.number().int().min(400).max(599))
          .default([408, 409, 429, 500, 502, 503, 504, 529]),
        network: z.boolean().default(true),
        /** A timed-out route is not waited on again by default: the request fails over. */
        timeout: z.boolean().default(false),
        stream: z.boolean().default(true),
      })
      .default({
        statuses: [408, 409, 429, 500, 502, 503, 504, 529],
        network: true,
        timeout: false,
        stream: true,
      }),
    /**
     * Retries allowed, over a sliding window: `minPerSecond` always, plus `ratio` per request.
     * @defaultValue { ratio: 20%, minPerSecond: 10, window: 10s }
     */
    budget: z
      .strictObject({
        ratio: share.default(0.2),
        minPerSecond: z.number().nonnegative().default(10),
        window: duration.default(10_000),
      })
      .default({ ratio: 0.2, minPerSecond: 10, window: 10_000 }),
  })
  .default({
    on: {
      statuses: [408, 409, 429, 500, 502, 503, 504, 529],
      network: true,
      timeout: false,
      stream: true,
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
    /** Longest single attempt, headers to last byte. @defaultValue 30s */
    attempt: duration.default(30_000),
    /** Deadline for the whole caller request, all retries and failovers included. @defaultValue 60s */
    total: duration.default(60_000),
    /**
     * Streams only: the first content token must arrive this soon after the attempt starts.
     * `off` disables it. @defaultValue 10s
     */
    firstToken: z.union([z.literal('off'), duration]).default(10_000),
    /** Streams only: the longest gap allowed between two chunks; `off` disables it. @defaultValue 10s */
    streamIdle: z.union([z.literal('off'), duration]).default(10_000),
    /**
     * Time to establish a connection, enforced by the production transport (undici). Drills have
     * no connection phase: refused and reset connections fail at once or mid-request instead.
     * @defaultValue 10s
     */
    connect: duration.optional(),
  })
  .default({ attempt: 30_000, total: 60_000, firstToken: 10_000, streamIdle: 10_000 });

/** What to do when a streamed answer breaks after its first content. */
export const streamSchema = z
  .strictObject({
    /**
     * `restart`: ask the next attempt (same target or the next) for the whole answer again;
     * `continue`: send the text received so far as an assistant prefill so the next attempt
     * carries on from it, where the target supports prefill (else a clean restart);
     * `error`: end the request with the stream error, no retry and no failover.
     * @defaultValue restart
     */
    onBreak: z.enum(['restart', 'continue', 'error']).default('restart'),
    /**
     * Which providers continue an assistant prefill. Unlisted providers on the Anthropic wire
     * are tried and remembered as unable once they refuse one; unlisted OpenAI-wire providers
     * are never sent one (most ignore it and answer afresh).
     */
    prefill: z.record(z.string().min(1), z.boolean()).default({}),
  })
  .default({ onBreak: 'restart', prefill: {} });

/** Circuit breaker, one per target. */
export const breakerSchema = z
  .strictObject({
    /** `consecutive`: a run of failures opens it; `ratio`: a failure share of a window. @defaultValue consecutive */
    kind: z.enum(['consecutive', 'ratio']).default('consecutive'),
    /** `consecutive`: failures in a row that open the breaker. @defaultValue 5 */
    consecutiveFailures: z.number().int().min(1).default(5),
    /** `ratio`: the failure share that opens it. @defaultValue 50% */
    failureRatio: share.default(0.5),
    /** `ratio`: the sliding window the share is taken over. @defaultValue 30s */
    window: duration.default(30_000),
    /** `ratio`: attempts the window must hold before the share counts. @defaultValue 20 */
    minimumThroughput: z.number().int().min(1).default(20),
    /** How long an open breaker refuses traffic before a probe. @defaultValue 30s */
    breakDuration: duration.default(30_000),
    /** Each failed probe doubles the break, up to this. @defaultValue the break duration (no growth) */
    maxBreakDuration: duration.optional(),
    /** Probe requests let through while half-open. @defaultValue 1 */
    halfOpenProbes: z.number().int().min(1).default(1),
  })
  .default({
    kind: 'consecutive',
    consecutiveFailures: 5,
    failureRatio: 0.5,
    window: 30_000,
    minimumThroughput: 20,
    breakDuration: 30_000,
    halfOpenProbes: 1,
  });

/** At most so many attempts in flight per provider; the rest wait briefly or fail over. */
export const bulkheadSchema = z.strictObject({
  maxConcurrent: z.number().int().min(1),
  /** Attempts allowed to wait for a slot. @defaultValue 0 */
  queue: z.number().int().min(0).default(0),
  /** Longest wait for a slot. @defaultValue 0 */
  maxWait: duration.default(0),
  /** Per-provider `maxConcurrent` overrides. */
  perProvider: z.record(z.string().min(1), z.number().int().min(1)).optional(),
});

/** Client-side RPM and TPM limits per provider. */
export const rateLimitSchema = z.strictObject({
  perProvider: z.record(
    z.string().min(1),
    z.strictObject({
      rpm: z.number().positive().optional(),
      tpm: z.number().positive().optional(),
    }),
  ),
  /** Longest wait for capacity; longer ones fail over at once. @defaultValue 0 */
  maxWait: duration.default(0),
});

/** Answers kept by conversation; off unless set. */
export const cacheSchema = z.strictObject({
  /** How long an answer is served as fresh. @defaultValue 5m */
  ttl: duration.default(300_000),
  /** How old an answer may be to stand in when every target has failed. @defaultValue 24h */
  maxStale: duration.default(86_400_000),
  /** @defaultValue 10000 */
  maxEntries: z.number().int().min(1).default(10_000),
});

/** What a caller gets when every target failed; off unless set. */
export const degradeSchema = z.strictObject({
  /** A fixed answer, marked degraded. */
  static: z.string().min(1).optional(),
});

/** Spend per window; past it, downgrade to a cheaper group or reject. Off unless set. */
export const budgetSchema = z
  .strictObject({
    window: duration.default(3_600_000),
    maxUsd: z.number().positive(),
    action: z.enum(['downgrade', 'reject']).default('reject'),
    /** With `downgrade`: the group to send requests to instead. */
    downgradeTo: z.string().min(1).optional(),
  })
  .superRefine((budget, ctx) => {
    if (budget.action === 'downgrade' && budget.downgradeTo === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['downgradeTo'],
        message: 'the downgrade action needs downgradeTo: a cheaper model group',
      });
    }
  });

/** Active probes of every target; off unless set. */
export const healthCheckSchema = z.strictObject({
  /** At least 1s: probes faster than that only load the providers. @defaultValue 30s */
  interval: duration
    .refine((ms) => ms >= 1_000, 'probe at most once a second (an interval of 1s or more)')
    .default(30_000),
  /** Failed probes in a row that eject a target. @defaultValue 2 */
  unhealthyAfter: z.number().int().min(1).default(2),
  /** Good probes in a row that bring it back. @defaultValue 1 */
  healthyAfter: z.number().int().min(1).default(1),
  /** Longest a probe may take. @defaultValue 10s */
  timeout: duration.default(10_000),
});

/** A second attempt on the next target when the first is slow; off unless set. */
export const hedgeSchema = z
  .strictObject({
    /** Wait this long before hedging (also the fallback while a percentile is unknown). */
    delay: duration.optional(),
    /** Hedge after this percentile of the first target's recent answers instead, e.g. 95. */
    percentile: z.number().min(50).max(99.9).optional(),
  })
  // Said in words: a bare "missing required key" beside a percentile reads as if the
  // percentile were not enough on its own by mistake.
  .superRefine((hedge, ctx) => {
    if (hedge.delay === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['delay'],
        message:
          'a hedge needs a delay (e.g. delay: 2s): the wait before hedging, and the fallback while the percentile is not yet known',
      });
  })
  .transform((hedge) => ({ ...hedge, delay: hedge.delay ?? 0 }));

/** A production endpoint; the simulator fills these in from the scenario's providers. */
export const endpointSchema = z.strictObject({
  wire: z.enum(['openai', 'anthropic']),
  baseUrl: z.url(),
  /** Name of the environment variable that holds the API key; the key itself never appears in a file. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
    .optional(),
});

/** The whole failover config. */
export const failoverConfigSchema = z
  .strictObject({
    /** A named starting point (`default`, `fast-failover`, `patient`); the keys below override it. */
    preset: z.enum(Object.keys(PRESETS) as [PresetName, ...PresetName[]]).optional(),
    /** Model groups: the name the application asks for, mapped to ordered targets. */
    groups: z.record(z.string().min(1), groupSchema),
    retry: retrySchema,
    timeout: timeoutSchema,
    breaker: breakerSchema,
    stream: streamSchema,
    /** Off unless set. */
    bulkhead: bulkheadSchema.optional(),
    /** Off unless set. */
    rateLimit: rateLimitSchema.optional(),
    /** Off unless set. */
    cache: cacheSchema.optional(),
    /** Off unless set. */
    degrade: degradeSchema.optional(),
    /** Off unless set. */
    budget: budgetSchema.optional(),
    /** Off unless set. */
    hedge: hedgeSchema.optional(),
    /** Off unless set. */
    healthCheck: healthCheckSchema.optional(),
    /**
     * USD per million tokens, keyed `provider/model`, for the budget guard and cost-aware routing.
     * In a drill, targets missing here take the scenario's prices.
     */
    prices: z
      .record(
        z.string().min(1),
        z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() }),
      )
      .default({}),
    /** Endpoints per provider, for production use. */
    providers: z.record(z.string().min(1), endpointSchema).optional(),
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
