/**
 * @module cli/options
 * Flag parsers shared by the commands. A bad flag is bad input: exit 2 with a plain message.
 */
import { InvalidArgumentError } from 'commander';

/** Formats `run` writes; more arrive with the report renderers. */
export const FORMATS = ['json'] as const;
/** A report format. */
export type Format = (typeof FORMATS)[number];

/** `--seed`: a whole number from 0 to 2^53. */
export function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seed))
    throw new InvalidArgumentError('the seed must be a whole number, e.g. --seed 42');
  return seed;
}

/** `--format`: a comma-separated list of formats. */
export function parseFormats(value: string): Format[] {
  const formats = value
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  for (const f of formats) {
    if (!(FORMATS as readonly string[]).includes(f)) {
      throw new InvalidArgumentError(
        `unknown format "${f}"; this version writes: ${FORMATS.join(', ')}`,
      );
    }
  }
  if (formats.length === 0)
    throw new InvalidArgumentError(`name at least one format: ${FORMATS.join(', ')}`);
  return formats as Format[];
}
