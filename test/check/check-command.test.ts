import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { describeFault, searchBreach } from '../../src/check/search.js';
import { systemClock } from '../../src/engine/runtime/system-clock.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runCli, scenarioYaml, tempDir, writeTemp, type CliRun } from '../support/helpers.js';

const cli = (...args: string[]): CliRun => runCli(args);

describe('failover-drill check scenarios/naive-single-provider.yaml', () => {
  const out = tempDir();
  let run: ReturnType<typeof cli>;

  beforeAll(() => {
    run = cli(
      'check',
      'scenarios/naive-single-provider.yaml',
      '--runs',
      '30',
      '--seed',
      '1',
      '--workers',
      '1',
      '--out',
      out,
    );
  }, 120_000);

  it('finds a breaking schedule of a few faults and exits 1', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/found a fault schedule that breaks availability >= 99\.9%/);
    expect(run.stdout).toMatch(/search seed 1; \d+ drills in [\d.]+ s \([\d.]+ drills\/s\)/);
    const faults = run.stdout.split('\n').filter((l) => l.startsWith('  - '));
    expect(faults.length).toBeGreaterThanOrEqual(1);
    expect(faults.length).toBeLessThanOrEqual(3);
    expect(faults[0]).toMatch(/ on openai from \d\d:\d\d for /);
  });

  it('writes a counterexample that `run` replays into the same breach', () => {
    const file = join(out, 'counterexample.yaml');
    expect(existsSync(file)).toBe(true);
    const doc = parse(readFileSync(file, 'utf8')) as { name: string; faults: unknown[] };
    expect(doc.name).toBe('naive-single-provider-counterexample');
    const replay = /replay: (.+)/.exec(run.stdout)?.[1] ?? '';
    expect(replay).toMatch(/^npx failover-drill run .*counterexample\.yaml --seed 3$/);
    const again = cli('run', file, '--seed', '3', '--out', tempDir(), '--traces', 'off');
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/FAIL {2}availability >= 99\.9%/);
  });
});

describe('check --workers', () => {
  it('finds the same counterexample, byte for byte, with two workers as with one', () => {
    // Search seed 1 breaks this scenario on its fourth try and shrinks in some 20 steps, so
    // both the search and the shrinking run ahead with two workers.
    const args = ['scenarios/conduct/503-forever.yaml', '--runs', '10', '--seed', '1'];
    const one = tempDir();
    const two = tempDir();
    const first = cli('check', ...args, '--max-faults', '2', '--workers', '1', '--out', one);
    const second = cli('check', ...args, '--max-faults', '2', '--workers', '2', '--out', two);
    expect(first.status).toBe(1);
    expect(second.status).toBe(1);
    expect(first.stdout).toMatch(/the first breaking schedule \(try 4 of 10\)/);
    const found = (run: CliRun): string[] =>
      run.stdout.split('\n').filter((l) => l.startsWith('  - ') || l.includes('shrunk in'));
    expect(found(second).map((l) => l.replace(/^.*; the first/, 'the first'))).toEqual(
      found(first).map((l) => l.replace(/^.*; the first/, 'the first')),
    );
    expect(readFileSync(join(two, 'counterexample.yaml'), 'utf8')).toBe(
      readFileSync(join(one, 'counterexample.yaml'), 'utf8'),
    );
  }, 120_000);
});

describe('check --workers, drilling ahead', () => {
  it('drills exactly the tries fast-check asks for, each once, when nothing breaks', () => {
    const file = writeTemp(
      'lenient.yaml',
      scenarioYaml({ replace: [['availability >= 99%', 'availability >= 1%']] }),
    );
    const args = ['--runs', '12', '--max-faults', '2', '--seed', '1', '--out', tempDir()];
    const result = cli('check', file, ...args, '--workers', '2');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/in 12 tries; 12 drills in /);
  }, 120_000);
});

describe('check', () => {
  it('exits 0 when no schedule within the budget breaks the SLOs', () => {
    const file = writeTemp(
      's.yaml',
      scenarioYaml({ replace: [['availability >= 99%', 'availability >= 1%']] }),
    );
    const result = cli('check', file, '--runs', '3', '--max-faults', '1', '--out', tempDir());
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/no fault schedule of up to 1 faults broke an SLO in 3 tries/);
  });

  it.each([
    [['--runs', '0'], /--runs: a whole number from 1/],
    [['--time-limit', 'soon'], /a duration such as 500ms, 90s or 10m/],
  ])('rejects %j as bad input (exit 2)', (flags, message) => {
    const result = cli('check', 'scenarios/naive-single-provider.yaml', ...flags);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('shrinks: the schedule it reports is no larger than the first one that broke the SLO', async () => {
    const scenario = loadScenario('scenarios/naive-single-provider.yaml');
    const result = await searchBreach(
      scenario,
      { runs: 20, seed: 7, timeLimitMs: 60_000, maxFaults: 4 },
      systemClock,
    );
    const breach = result.breach;
    expect(breach).toBeDefined();
    expect(breach!.faults.length).toBeLessThanOrEqual(breach!.firstFound.length);
    expect(breach!.report.pass).toBe(false);
    // Each remaining fault is needed: the minimal schedule here is a single fault.
    expect(breach!.faults).toHaveLength(1);
  }, 120_000);

  it('describes faults in plain words', () => {
    expect(
      describeFault({
        kind: 'rate-limit',
        target: 'primary',
        at: '90s',
        for: '120s',
        probability: '50%',
        retryAfter: '2s',
      }),
    ).toBe('rate-limit (Retry-After 2s) on primary from 01:30 for 2m, 50% of requests');
    expect(
      describeFault({
        kind: 'outage',
        target: 'p',
        at: '0s',
        for: '5s',
        probability: '100%',
        status: 'reset',
      }),
    ).toBe('outage (connections reset) on p from 00:00 for 5s, every request');
  });
});
