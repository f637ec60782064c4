/**
 * @module cli/options
 * Flag parsers shared by the commands. A bad flag is bad input: exit 2 with a plain message.
 */
import { InvalidArgumentError } from 'commander';

/** Formats `run` writes. */
export const FORMATS = ['json', 'md', 'junit', 'html'] as const;
/** A report format. */
export type Format = (typeof FORMATS)[number];

/** `--seed`: a whole number from 0 to 2^53. */
export function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seed))
    throw new InvalidArgumentError('the seed must be a whole number, e.g. --seed 42');
  return seed;
}

/** A `--format` parser for a command that writes `allowed`: a comma-separated list. */
export function formatsParser<F extends string>(
  allowed: readonly F[],
  command: string,
): (value: string) => F[] {
  return (value) => {
    const formats = value
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '');
    for (const f of formats) {
      if (!(allowed as readonly string[]).includes(f)) {
        throw new InvalidArgumentError(
          `unknown format "${f}"; ${command} writes: ${allowed.join(', ')}`,
        );
      }
    }
    if (formats.length === 0)
      throw new InvalidArgumentError(`name at least one format: ${allowed.join(', ')}`);
    return formats as F[];
  };
}

/** `--format` of `run`. */
export const parseFormats = formatsParser(FORMATS, 'this version');

/** `--trace-sample`: a share of requests, `10%` or `0.1`. */
export function parseShare(value: string): number {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value.trim());
  const share = percent === null ? Number(value) : Number(percent[1]) / 100;
  if (value.trim() === '' || !Number.isFinite(share) || share < 0 || share > 1)
    throw new InvalidArgumentError('give a share from 0 to 1, or a percentage, e.g. 0.1 or 10%');
  return share;
}

/** `--traces`: on or off. */
export function parseOnOff(value: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new InvalidArgumentError('write on or off');
}

/** `--otlp`: an http or https base URL of an OTLP/HTTP collector. */
export function parseOtlpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL; e.g. http://127.0.0.1:4318`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('the collector URL must be http or https');
  return value;
}
