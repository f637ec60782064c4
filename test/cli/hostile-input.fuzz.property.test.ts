/**
 * Fuzzing the way in: fast-check mutates the shipped scenario files (keys dropped, values
 * swapped for other types or random scalars, aliases to anchors and to nothing, text cut short
 * or spliced) and runs them through the CLI in process. Whatever the file says, `validate` and
 * `run` end in a report (exit 0 or 1) or on the bad-input path (exit 2, nothing written): never
 * exit 3, never a stack trace, never past a time bound. Every report they write keeps its
 * percentiles in order, for the drill, the baseline and every minute of both.
 */
import fc from 'fast-check';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Document, parse, stringify } from 'yaml';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/report/report-schema.js';
import { tempDir, writeTemp } from '../support/helpers.js';

const root = join(import.meta.dirname, '..', '..');
const BASES = [
  'scenarios/conduct/500-once.yaml',
  'scenarios/conduct/stream-cut.yaml',
  'scenarios/conduct/429-retry-after.yaml',
  'scenarios/naive-single-provider.yaml',
].map((file) => readFileSync(join(root, file), 'utf8'));

/** Keeps each generated drill small: the fuzz is about the way in, not about big drills. */
const BOUNDS = ['--max-requests', '3000', '--max-duration', '2h'];
/**
 * The same cases on every run, so CI is repeatable; `FUZZ_SEED` and `FUZZ_RUNS` explore further
 * (e.g. `FUZZ_SEED=7 FUZZ_RUNS=1000 npx vitest run test/cli/hostile-input.fuzz`).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

/** Longest one case may take: a hang guard, far above the time any case needs. */
const CASE_BOUND_MS = 20_000;

type Path = (string | number)[];

/** Every path in a parsed value, containers included. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

/** Scalars a careless or hostile file may hold. */
const scalarArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -10, max: 10 }),
  fc.constantFrom(0, -1, 1e12, 2 ** 53, 1e308, 0.5, 150, 2_000_001),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '5',
    '0s',
    '-1s',
    '15 minutes',
    '1e9h',
    '0/m',
    '1000000/ms',
    '150%',
    'NaN',
    '',
    '*',
  ),
  fc.constantFrom([], {}, [1, 2], { dist: 'lognormal', median: 9, p95: 1 }),
);

type Mutation =
  | { kind: 'scale'; at: number; factor: number }
  | { kind: 'drop'; at: number }
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'alias'; from: number; to: number }
  | { kind: 'dangling-alias'; at: number }
  | { kind: 'cut'; at: number }
  | { kind: 'splice'; at: number; text: string };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  // Same type, extreme size: these reach the simulator with numbers nobody tried.
  fc.record({
    kind: fc.constant('scale' as const),
    at: fc.nat(),
    factor: fc.constantFrom(0, 0.001, 0.5, 3, 1_000, 1e6),
  }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: scalarArb }),
  fc.record({ kind: fc.constant('alias' as const), from: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('dangling-alias' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.nat(),
    text: fc.constantFrom(
      ': ',
      '\n- ',
      '{',
      ']',
      '&a ',
      '*a',
      '\t',
      '"',
      '\n  extra: 1\n',
      '!!binary ',
    ),
  }),
);

/** A shipped file with the mutations applied, as text. */
function mutate(base: string, mutations: readonly Mutation[]): string {
  let data: unknown = parse(base);
  let text: string | undefined;
  for (const m of mutations) {
    if (text !== undefined) {
      // Once the text is broken on purpose, only text mutations still apply.
      if (m.kind === 'cut') text = text.slice(0, m.at % (text.length + 1));
      else if (m.kind === 'splice') {
        const at = m.at % (text.length + 1);
        text = text.slice(0, at) + m.text + text.slice(at);
      }
      continue;
    }
    const paths = pathsOf(data).filter((p) => p.length > 0);
    const pick = (n: number): Path => paths[n % paths.length] ?? [];
    const doc = new Document(data);
    switch (m.kind) {
      case 'scale': {
        const path = pick(m.at);
        const value: unknown = doc.getIn(path);
        if (typeof value === 'number') doc.setIn(path, value * m.factor);
        else if (typeof value === 'string')
          doc.setIn(
            path,
            value.replace(/^\d+(?:\.\d+)?/, (n) => String(Number(n) * m.factor)),
          );
        data = doc.toJS();
        break;
      }
      case 'drop':
        doc.deleteIn(pick(m.at));
        data = doc.toJS();
        break;
      case 'set':
        doc.setIn(pick(m.at), m.value);
        data = doc.toJS();
        break;
      case 'alias': {
        const node = doc.getIn(pick(m.from), true);
        if (node === undefined) break;
        doc.setIn(pick(m.to), doc.createAlias(node as never, 'a'));
        try {
          text = doc.toString();
        } catch {
          // The alias replaced its own anchor: no text can say that; leave the value as it was.
        }
        break;
      }
      case 'dangling-alias': {
        doc.setIn(pick(m.at), '__DANGLING__');
        text = doc.toString().replace(/"?__DANGLING__"?/, '*nowhere');
        break;
      }
      case 'cut':
        text = stringify(data).slice(0, m.at % (stringify(data).length + 1));
        break;
      case 'splice': {
        const whole = stringify(data);
        const at = m.at % (whole.length + 1);
        text = whole.slice(0, at) + m.text + whole.slice(at);
        break;
      }
    }
  }
  return text ?? stringify(data);
}

const caseArb = fc.record({
  base: fc.nat({ max: BASES.length - 1 }),
  mutations: fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
});

/** For `run`: mostly same-type extremes, so many files get as far as the simulator. */
const runCaseArb = fc.record({
  base: fc.nat({ max: BASES.length - 1 }),
  mutations: fc.array(
    fc.oneof(
      { arbitrary: mutationArb.filter((m) => m.kind === 'scale'), weight: 6 },
      { arbitrary: mutationArb, weight: 1 },
    ),
    { minLength: 1, maxLength: 3 },
  ),
});

/** The CLI in process: its exit code and what it printed. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** p50 ≤ p95 ≤ p99 ≤ max (a minute has no p99), all finite and non-negative. */
function expectOrdered(
  latency: { p50: number; p95: number; p99?: number; max: number },
  where: string,
): void {
  const { p50, p95, max } = latency;
  const p99 = latency.p99 ?? p95;
  expect(
    [p50, p95, p99, max].every((v) => Number.isFinite(v) && v >= 0),
    where,
  ).toBe(true);
  expect(p50 <= p95 && p95 <= p99 && p99 <= max, `${where}: ${JSON.stringify(latency)}`).toBe(true);
}

function expectReportOrdered(report: Report): void {
  expectOrdered(report.latencyMs, 'latencyMs');
  expectOrdered(report.baseline.latencyMs, 'baseline.latencyMs');
  for (const [name, minutes] of [
    ['minutes', report.timeline.minutes],
    ['baselineMinutes', report.timeline.baselineMinutes],
  ] as const)
    for (const minute of minutes)
      if (minute.latencyMs !== undefined)
        expectOrdered(minute.latencyMs, `${name}[${minute.minute}]`);
}

/** An outcome the contract allows: a judged report, or bad input that wrote nothing. */
function expectCleanEnd(result: { code: number; stderr: string }, out: string | undefined): void {
  expect(result.stderr).not.toMatch(/the harness failed|\n\s+at .*\(.*:\d+:\d+\)/);
  expect([0, 1, 2]).toContain(result.code);
  if (out === undefined) return;
  if (result.code === 2) {
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  } else {
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    expectReportOrdered(report);
  }
}

describe('fuzzed scenario files', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => vi.restoreAllMocks());

  it('validate: every mutation is valid or bad input, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ base, mutations }) => {
        const file = writeTemp('fuzzed.yaml', mutate(BASES[base] ?? '', mutations), dir);
        const started = performance.now();
        const result = await cli('validate', file, ...BOUNDS);
        expect(performance.now() - started).toBeLessThan(CASE_BOUND_MS);
        expect([0, 2]).toContain(result.code);
        expectCleanEnd(result, undefined);
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  }, 120_000);

  it('run: every mutation ends in a judged report or on the bad-input path', async () => {
    let n = 0;
    const codes: number[] = [];
    await fc.assert(
      fc.asyncProperty(runCaseArb, async ({ base, mutations }) => {
        const file = writeTemp('fuzzed.yaml', mutate(BASES[base] ?? '', mutations), dir);
        const out = join(dir, `out-${n++}`);
        const started = performance.now();
        const result = await cli('run', file, '--out', out, '--traces', 'off', ...BOUNDS);
        expect(performance.now() - started).toBeLessThan(CASE_BOUND_MS);
        expectCleanEnd(result, out);
        codes.push(result.code);
      }),
      { numRuns: RUNS, seed: SEED + 1 },
    );
    // Not only bad input: a good share of the mutated files ran to a judged report.
    expect(codes.filter((c) => c !== 2).length).toBeGreaterThanOrEqual(RUNS / 6);
  }, 240_000);
});
