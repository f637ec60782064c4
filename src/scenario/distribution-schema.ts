/**
 * @module scenario/distribution-schema
 * Sampled quantities in scenario files: token counts, latencies and speeds, each a number or a
 * distribution (`{ dist: uniform | lognormal, … }`), and the most tokens a request may carry.
 */
import { z } from 'zod';
import { duration } from '../units.js';

/** A distribution over values read by `value` (tokens: numbers; latency: durations). */
export function distribution<T extends z.ZodType<number, unknown>>(value: T, what: string) {
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

export const tokens = z.number().int().nonnegative().max(MAX_TOKENS);
export const tokenDistribution = distribution(tokens, 'a token count such as 800').meta({
  title: 'tokens',
  description:
    'A token count: a number, or { dist: uniform, min, max } / { dist: lognormal, median, p95 }.',
});
export const durationDistribution = distribution(duration, 'a duration such as 400ms').meta({
  title: 'latency',
  description:
    'A duration: 400ms, or { dist: uniform, min, max } / { dist: lognormal, median, p95 }.',
});
export const positiveDistribution = distribution(z.number().positive(), 'a positive number').meta({
  title: 'number or distribution',
  description:
    'A number, or { dist: uniform, min, max } / { dist: lognormal, median, p95 } of numbers.',
});

/** A sampled distribution as resolved: constants become `{ dist: 'constant' }`. */
export type Distribution =
  | { readonly dist: 'constant'; readonly value: number }
  | { readonly dist: 'uniform'; readonly min: number; readonly max: number }
  | { readonly dist: 'lognormal'; readonly median: number; readonly p95: number };

export function normalise(d: number | Distribution): Distribution {
  return typeof d === 'number' ? { dist: 'constant', value: d } : d;
}
