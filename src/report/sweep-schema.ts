/**
 * @module report/sweep-schema
 * sweep.json: one scenario drilled under many seeds (`run --seeds`). One row per seed, each
 * headline figure's distribution over the seeds, and per SLO how often it held, the Wilson 95%
 * interval of its breach rate, and its worst seed with the command that replays it.
 */
import { z } from 'zod';
import { sloRule } from './report-schema.js';

const distribution = z
  .strictObject({
    min: z.number(),
    p5: z.number(),
    p50: z.number(),
    p95: z.number(),
    max: z.number(),
    mean: z.number(),
  })
  .meta({ description: 'Over the seeds: nearest-rank percentiles of the per-seed values.' });

/** The figures each seed's row keeps, and whose distributions the sweep gives. */
export const SWEEP_FIGURES = [
  'availability',
  'failed',
  'latency.p95',
  'latency.p99',
  'cost',
] as const;

export const sweepSchema = z
  .strictObject({
    sweepVersion: z.literal(1),
    scenario: z.string(),
    file: z.string(),
    drilled: z
      .string()
      .meta({ description: 'What was drilled: `engine`, a config file, or `subject <name>`.' }),
    seeds: z.number().int().meta({ description: 'How many seeds were drilled.' }),
    rows: z.array(
      z.strictObject({
        seed: z.number().int(),
        availability: z.number(),
        failed: z.number().int(),
        'latency.p95': z.number().meta({ description: 'ms' }),
        'latency.p99': z.number().meta({ description: 'ms' }),
        cost: z.number().meta({ description: 'US dollars' }),
        slos: z.array(z.strictObject({ name: z.string(), actual: z.number(), pass: z.boolean() })),
      }),
    ),
    figures: z.strictObject(
      Object.fromEntries(SWEEP_FIGURES.map((f) => [f, distribution])) as Record<
        (typeof SWEEP_FIGURES)[number],
        typeof distribution
      >,
    ),
    slos: z.array(
      z.strictObject({
        ...sloRule,
        share: z
          .number()
          .meta({ description: 'The share of seeds it must hold in (1: every seed).' }),
        held: z.number().int().meta({ description: 'Seeds it held in.' }),
        breachRate: z.number().meta({ description: 'Share of seeds it broke in.' }),
        breachInterval: z
          .tuple([z.number(), z.number()])
          .meta({ description: 'Wilson score 95% interval of the breach rate.' }),
        worst: z.strictObject({
          seed: z.number().int(),
          actual: z.number(),
          replay: z.string(),
        }),
        pass: z.boolean().meta({ description: 'It held in at least `share` of the seeds.' }),
      }),
    ),
    unjudged: z.array(z.string()).meta({
      description:
        'SLOs no drill could judge: on breakers or stream continuation, inside a subject or a gateway.',
    }),
    pass: z.boolean().meta({ description: 'Every SLO held in its share of seeds.' }),
  })
  .meta({ title: 'failover-drill sweep (version 1)' });

/** sweep.json. */
export type Sweep = z.output<typeof sweepSchema>;
