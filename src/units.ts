/**
 * @module units
 * Human units in scenario and config files (`15m`, `250ms`, `5000/h`, `99.9%`, `$50`), parsed
 * once at load time so the rest of the code only sees milliseconds, per-millisecond rates,
 * fractions and dollars. The zod schemas of the units; reading and writing them as text is
 * `unit-text.ts`, which loads no schema library.
 */
import { z } from 'zod';

import { parseDuration, parseRate } from './unit-text.js';

export { formatDuration, parseDuration, parseRate } from './unit-text.js';

let unitsRequired = false;

/**
 * Runs `parse` with units required: a bare number other than 0 is then refused as a duration
 * instead of read as milliseconds. Files are parsed this way (`duration: 5` is a slip, not five
 * milliseconds); code that builds a config keeps numbers as milliseconds.
 */
export function withUnitsRequired<T>(parse: () => T): T {
  const before = unitsRequired;
  unitsRequired = true;
  try {
    return parse();
  } finally {
    unitsRequired = before;
  }
}

/**
 * A duration: a string with a unit, or (in code, or 0 in a file) a bare number of milliseconds.
 * Output: ms.
 */
export const duration = z
  .union([z.number().nonnegative(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === 'number') {
      if (unitsRequired && value !== 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${value} has no unit: write ${value}ms, ${value}s or ${value}m`,
        });
        return z.NEVER;
      }
      return value;
    }
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not a duration: write a number and a unit (ms, s, m, h), e.g. 250ms or 15m`,
      });
      return z.NEVER;
    }
    return ms;
  })
  .meta({
    title: 'duration',
    description: 'A duration such as 250ms, 2s, 15m or 1h (0 needs no unit).',
  });

/** A rate such as `5000/h`. Output: events per millisecond. */
export const rate = z
  .union([z.string(), z.number().nonnegative()])
  .transform((value, ctx) => {
    if (typeof value === 'number') return value / 1_000;
    const perMs = parseRate(value);
    if (perMs === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not a rate: write a count per unit, e.g. 5000/h, 90/m or 2/s`,
      });
      return z.NEVER;
    }
    return perMs;
  })
  .meta({
    title: 'rate',
    description: 'A rate such as 5000/h, 90/m or 2/s (a bare number is per second).',
  });

/** A share: `25%` or a fraction in [0, 1]. Output: a fraction. */
export const share = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    let fraction: number | undefined;
    if (typeof value === 'number') fraction = value;
    else {
      const match = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
      fraction = match === null ? undefined : Number(`${match[1]}e-2`);
    }
    if (fraction === undefined || !(fraction >= 0 && fraction <= 1)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${String(value)}" is not a share: write a percentage such as 25% or a fraction between 0 and 1`,
      });
      return z.NEVER;
    }
    return fraction;
  })
  .meta({ title: 'share', description: 'A share such as 25% or 0.25.' });

/** A range of ordinals, from `first` to `last` inclusive (`last` may be infinite). */
export interface OrdinalRange {
  readonly first: number;
  readonly last: number;
}

/** `3`, `1-10` or `2-` (2 onwards): ordinals counted from 1. Output: an {@link OrdinalRange}. */
export const ordinalRange = z
  .union([z.number(), z.string()])
  .transform((value, ctx): OrdinalRange => {
    const text = String(value).trim();
    const match = /^(\d+)(?:\s*-\s*(\d*))?$/.exec(text);
    const first = match === null ? Number.NaN : Number(match[1]);
    const last =
      match === null
        ? Number.NaN
        : match[2] === undefined
          ? first
          : match[2] === ''
            ? Number.POSITIVE_INFINITY
            : Number(match[2]);
    if (!(Number.isSafeInteger(first) && first >= 1 && last >= first)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a range of counts from 1: write 1, 1-3 or 2- (2 onwards)`,
      });
      return z.NEVER;
    }
    return { first, last };
  })
  .meta({
    title: 'range',
    description: 'A count from 1 (`1`), a range (`1-3`) or an open range (`2-`: 2 onwards).',
  });
