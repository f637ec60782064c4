/**
 * @module cli/options
 * Flags and their parsers shared by the commands (seeds, formats, telemetry, drill limits,
 * ports). A bad flag is bad input: exit 2 with a plain message.
 */
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, Option } from 'commander';
import { InputError } from '../errors.js';
import { DRILL_LIMITS, type DrillLimits } from '../scenario/limits.js';
import type { DrillOptions } from '../simulator/run-drill.js';
import { otlpEndpointSet } from '../telemetry/otlp-env.js';
import { formatDuration, parseDuration, thousands } from '../unit-text.js';

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

/** `--port`: 0 (any free port) to 65535. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new InvalidArgumentError('a port from 0 (any free port) to 65535');
  return port;
}

/** `--speed`: how many times faster than the wall clock drill time runs. */
export function parseSpeed(value: string): number {
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 10_000)
    throw new InvalidArgumentError('a positive factor up to 10000, e.g. 60 for a minute a second');
  return speed;
}

/** A whole number of at least 1, e.g. `--max-requests`. */
export function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('a whole number of at least 1');
  return n;
}

/**
 * The most worker threads a command starts. Each holds a drill's heap (about 100 MB), so a
 * mistyped `--workers 100000` would exhaust memory starting them and V8 would end the process
 * with a fatal error. A pool never needs more threads than cells to drill either, and the
 * commands start no more than that.
 */
export const MAX_WORKERS = 256;

/** Parses `--workers N`: a whole number from 1 to {@link MAX_WORKERS}. */
export function parseWorkers(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_WORKERS)
    throw new InvalidArgumentError(
      `a whole number from 1 to ${MAX_WORKERS}; this machine has ${availableParallelism()} cores, and workers beyond them only wait for one`,
    );
  return n;
}

/** `--workers N`: drills at once, each in a worker thread; by default one per core. */
export function workersOption(what: string): Option {
  return new Option(
    '--workers <n>',
    `${what} at once, each in a worker thread of its own (a drill's heap each, about 100 MB; at most ${MAX_WORKERS}, and workers beyond the cores only wait for one)`,
  )
    .argParser(parseWorkers)
    .default(Math.min(availableParallelism(), MAX_WORKERS), "the machine's cores");
}

/** `--shard i/n`. */
export interface ShardFlag {
  readonly index: number;
  readonly count: number;
}

/** Parses `--shard 2/3`. */
export function parseShard(value: string): ShardFlag {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || count > 10_000 || index < 1 || index > count)
    throw new InvalidArgumentError('i/n, a shard from 1 to n of n shards, e.g. 2/3');
  return { index, count };
}

/** The most seeds one sweep drills. */
export const MAX_SEEDS = 100_000;

/** `--seeds`: how many seeds (`200`, from the scenario's seed on) or which (`1..100`). */
export type SeedsFlag = { readonly count: number } | { readonly from: number; readonly to: number };

/** Parses `--seeds N` or `--seeds A..B`. */
export function parseSeeds(value: string): SeedsFlag {
  const range = /^(\d+)\.\.(\d+)$/.exec(value);
  if (range !== null) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (from <= to && to - from < MAX_SEEDS && Number.isSafeInteger(to)) return { from, to };
    throw new InvalidArgumentError(
      `a range A..B with A <= B and at most ${thousands(MAX_SEEDS)} seeds`,
    );
  }
  const count = Number(value);
  if (/^\d+$/.test(value) && count >= 1 && count <= MAX_SEEDS) return { count };
  throw new InvalidArgumentError(
    `a number of seeds from 1 to ${thousands(MAX_SEEDS)}, or a range such as 1..100`,
  );
}

/** `--seeds`, on `run` and `compare`. */
export function seedsOption(): Option {
  return new Option(
    '--seeds <n-or-range>',
    "a sweep: drill each scenario under N seeds (from --seed or the scenario's own on) or under A..B, and judge each SLO on how often it held",
  ).argParser(parseSeeds);
}

/** `--shard i/n`, on `run` and `compare`: `units` names the run's work units. */
export function shardOption(units: string): Option {
  return new Option(
    '--shard <i/n>',
    `drill only shard i of n of the work units (${units}) and write shard-i-of-n.json to --out; \`merge\` writes the results`,
  ).argParser(parseShard);
}

/** How many seeds a `--seeds` flag stands for. */
export function seedCount(flag: SeedsFlag): number {
  return 'count' in flag ? flag.count : flag.to - flag.from + 1;
}

/** The seeds a `--seeds` flag stands for, counting from `first` when it gives a count. */
export function seedList(flag: SeedsFlag, first: number): number[] {
  const from = 'count' in flag ? first : flag.from;
  return Array.from({ length: seedCount(flag) }, (_, i) => from + i);
}

/** A positive duration such as `90s`, `10m` or `500ms`, in ms. */
export function parsePositiveDuration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0)
    throw new InvalidArgumentError('a duration such as 500ms, 90s or 10m');
  return ms;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True for an address on this machine only. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Refuses a non-loopback address unless `--allow-remote` was given (exit 2). */
export function checkLoopback(
  flag: string,
  host: string,
  allowRemote: boolean | undefined,
  what: string,
): void {
  if (!isLoopback(host) && allowRemote !== true)
    throw InputError.of(flag, `${host} is not loopback; add --allow-remote to ${what}`);
}

/**
 * An http(s) URL given to `flag`, refused (exit 2) when malformed or, without `--allow-remote`,
 * when its host is not this machine.
 */
export function loopbackUrl(
  flag: string,
  value: string,
  allowRemote: boolean | undefined,
  what: string,
  example: string,
): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw InputError.of(flag, `"${value}" is not a URL; e.g. ${example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw InputError.of(flag, `the URL must be http or https; e.g. ${example}`);
  checkLoopback(flag, url.hostname, allowRemote, what);
  return url;
}

/** The drill-size flags, as commands that run simulated drills take them. */
export interface DrillLimitFlags {
  readonly maxRequests?: number;
  readonly maxDuration?: number;
}

/** `--max-requests`: the most requests a drill may be expected to send. */
export function maxRequestsOption(): Option {
  return new Option(
    '--max-requests <n>',
    'refuse a drill expected to send more requests than this (bad input, exit 2)',
  )
    .argParser(parseCount)
    .default(DRILL_LIMITS.maxRequests, thousands(DRILL_LIMITS.maxRequests));
}

/** `--max-duration`: the longest drill, in drill time. */
export function maxDurationOption(): Option {
  return new Option('--max-duration <time>', 'refuse a drill longer than this, in drill time')
    .argParser(parsePositiveDuration)
    .default(DRILL_LIMITS.maxDurationMs, formatDuration(DRILL_LIMITS.maxDurationMs));
}

/** The limits the flags set. */
export function drillLimits(flags: DrillLimitFlags): DrillLimits {
  return {
    maxRequests: flags.maxRequests ?? DRILL_LIMITS.maxRequests,
    maxDurationMs: flags.maxDuration ?? DRILL_LIMITS.maxDurationMs,
  };
}

/** The telemetry flags `run` and `drill` share. */
export interface TelemetryFlags {
  readonly traces: boolean;
  readonly traceSample: number;
  readonly otlp?: string;
  readonly recordContent?: boolean;
}

/** Where telemetry goes: the flags first, then the standard OpenTelemetry variables. */
export function telemetryOptions(options: TelemetryFlags, dir: string): DrillOptions['telemetry'] {
  const env = process.env;
  if (!options.traces || env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return undefined;
  const otlp = options.otlp ?? (otlpEndpointSet(env) ? 'env' : undefined);
  return {
    dir,
    sample: options.traceSample,
    recordContent: options.recordContent === true,
    ...(otlp === undefined ? {} : { otlp }),
  };
}

/** `--format`, as `run` and `drill` take it. */
export function formatOption(): Option {
  return new Option(
    '--format <list>',
    'report formats, comma-separated: json (report.json), md (report.md), junit (junit.xml), html (report.html)',
  )
    .default(['json'], 'json')
    .argParser(parseFormats);
}

/** `--traces`. */
export function tracesOption(): Option {
  return new Option('--traces <on|off>', 'write traces.jsonl and metrics.jsonl (OTLP JSON lines)')
    .default(true, 'on')
    .argParser(parseOnOff);
}

/** `--trace-sample`. */
export function traceSampleOption(): Option {
  return new Option('--trace-sample <share>', 'share of requests traced, e.g. 0.1 or 10%')
    .default(1, '1')
    .argParser(parseShare);
}

/** `--otlp`. */
export function otlpOption(): Option {
  return new Option(
    '--otlp <url>',
    'also send traces and metrics to this OTLP/HTTP collector, e.g. http://127.0.0.1:4318 (default: OTEL_EXPORTER_OTLP_ENDPOINT, or the _TRACES_ or _METRICS_ one, when set)',
  ).argParser(parseOtlpUrl);
}

/** `--record-content`. */
export function recordContentOption(): Option {
  return new Option(
    '--record-content',
    'record prompts and answers in the traces (off: no message text)',
  );
}

/** The flags naming a subject to drill instead of the engine. */
export interface SubjectFlags {
  readonly subject?: string;
  readonly subjectConfig?: string;
}

/** `--subject`: a shipped subject, a module file, or an installed package. */
export function subjectOption(): Option {
  return new Option(
    '--subject <name-or-module>',
    'drill this failover implementation in virtual time instead of the engine: engine, openai-sdk, sdk-fallback-chain, portkey, ai-sdk, langchain, or a module whose default export is createSubject(context)',
  );
}

/** `--subject-config`: the subject's own config file, JSON or YAML. */
export function subjectConfigOption(): Option {
  return new Option(
    '--subject-config <file>',
    "the subject's config, JSON or YAML, handed to it as context.config (portkey: a Portkey config sent with every request; default: each group's chain as a fallback config)",
  );
}

/** Refuses flags that do not go with `--subject`. */
export function checkSubjectFlags(
  options: SubjectFlags & { readonly config?: string | readonly string[]; readonly otlp?: string },
): void {
  if (options.subject === undefined) {
    if (options.subjectConfig !== undefined)
      throw InputError.of('--subject-config', 'is the config of a --subject; name the subject too');
    return;
  }
  if (typeof options.config === 'string')
    throw InputError.of(
      '--config',
      'configures our engine; a --subject has its own config (--subject-config)',
    );
  if (options.otlp !== undefined)
    throw InputError.of(
      '--otlp',
      'is not available with --subject: a subject drill treats any socket opened while it runs as an escape from virtual time; its traces.jsonl can be sent on afterwards',
    );
}
