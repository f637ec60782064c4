/**
 * @module engine/target
 * Target names, `provider/model`: the one parser of them, for config targets and scenario fault
 * targets alike, and the schema that reads them in a config.
 */
import { z } from 'zod';
import type { Target } from './types.js';

/**
 * Splits `provider` or `provider/model` at the first slash (a model name may hold slashes of its
 * own): the one parser of target names, for config targets and scenario fault targets alike.
 */
export function splitTarget(text: string): { provider: string; model?: string } {
  const slash = text.indexOf('/');
  return slash === -1
    ? { provider: text }
    : { provider: text.slice(0, slash), model: text.slice(slash + 1) };
}

/** `provider/model` (the model may itself contain slashes) or `{ provider, model }`. */
export const targetSchema = z
  .union([z.string(), z.strictObject({ provider: z.string().min(1), model: z.string().min(1) })])
  .transform((value, ctx): Target => {
    if (typeof value !== 'string') return value;
    const { provider, model } = splitTarget(value);
    if (provider === '' || model === undefined || model === '') {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not a target: write provider/model, e.g. primary/gpt-4o`,
      });
      return z.NEVER;
    }
    return { provider, model };
  })
  .meta({ title: 'target', description: 'A target: "provider/model" or { provider, model }.' });
