/**
 * @module engine/optional-sections
 * The sections of a failover config that are off unless set: bulkhead, client-side rate
 * limits, response cache, degraded answers, spend budget, active health checks and hedging.
 */
import { z } from 'zod';
import { duration } from '../units.js';

/** At most so many attempts in flight per provider; the rest wait briefly or fail over. */
export const bulkheadSchema = z.strictObject({
  maxConcurrent: z.number().int().min(1),
  queue: z.number().int().min(0).default(0).describe('Attempts allowed to wait for a slot.'),
  maxWait: duration.default(0).describe('Longest wait for a slot.'),
  perProvider: z
    .record(z.string().min(1), z.number().int().min(1))
    .optional()
    .describe('Per-provider `maxConcurrent` overrides.'),
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
  maxWait: duration
    .default(0)
    .describe('Longest wait for capacity; longer ones fail over at once.'),
});

/** Answers kept by conversation; off unless set. */
export const cacheSchema = z.strictObject({
  ttl: duration.default(300_000).describe('How long an answer is served as fresh.'),
  maxStale: duration
    .default(86_400_000)
    .describe('How old an answer may be to stand in when every target has failed.'),
  maxEntries: z.number().int().min(1).default(10_000),
});

/** What a caller gets when every target failed; off unless set. */
export const degradeSchema = z.strictObject({
  static: z.string().min(1).optional().describe('A fixed answer, marked degraded.'),
});

/** Spend per window; past it, downgrade to a cheaper group or reject. Off unless set. */
export const budgetSchema = z
  .strictObject({
    window: duration.default(3_600_000),
    maxUsd: z.number().positive(),
    action: z.enum(['downgrade', 'reject']).default('reject'),
    downgradeTo: z
      .string()
      .min(1)
      .optional()
      .describe('With `downgrade`: the group to send requests to instead.'),
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
  interval: duration
    .refine((ms) => ms >= 1_000, 'probe at most once a second (an interval of 1s or more)')
    .default(30_000)
    .describe('At least 1s: probes faster than that only load the providers.'),
  unhealthyAfter: z
    .number()
    .int()
    .min(1)
    .default(2)
    .describe('Failed probes in a row that eject a target.'),
  healthyAfter: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe('Good probes in a row that bring it back.'),
  timeout: duration.default(10_000).describe('Longest a probe may take.'),
});

/** A second attempt on the next target when the first is slow; off unless set. */
export const hedgeSchema = z
  .strictObject({
    delay: duration
      .optional()
      .describe('Wait this long before hedging (also the fallback while a percentile is unknown).'),
    percentile: z
      .number()
      .min(50)
      .max(99.9)
      .optional()
      .describe(
        "Hedge after this percentile of the first target's recent answers instead, e.g. 95.",
      ),
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
