/**
 * `run --seeds`: a scenario under many seeds, one verdict per SLO on how often it held; the worst
 * seed's replay reproduces its breach; the same sweep twice is byte-identical.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepSchema } from '../../src/report/sweep-schema.js';
import { runCli, tempDir, writeTemp } from '../support/helpers.js';

/** `500-once` before its sweep: Poisson arrivals; seed 11 opens the breaker, seed 6 meets no blip. */
const FILE = 'examples/sweeps/500-once-poisson.yaml';

describe('run --seeds', () => {
  const out = tempDir();
  const run = runCli([
    'run',
    FILE,
    '--seeds',
    '5..14',
    '--workers',
    '1',
    '--out',
    out,
    '--format',
    'json,md,html',
  ]);
  const sweep = sweepSchema.parse(JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')));

  it('drills every seed of the range and writes sweep.json, .md and .html', () => {
    expect(run.stderr).toBe('');
    expect(sweep.rows.map((r) => r.seed)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(readdirSync(out).sort()).toEqual(['sweep.html', 'sweep.json', 'sweep.md']);
    expect(readFileSync(join(out, 'sweep.html'), 'utf8')).toContain('<svg');
  }, 120_000);

  it('finds that seed 11 opens the breaker, and its replay reproduces the breach', () => {
    const breaker = sweep.slos.find((s) => s.name === 'breaker.opens == 0')!;
    expect(breaker.pass).toBe(false);
    expect(breaker.held).toBeLessThan(10);
    expect(
      sweep.rows.find((r) => r.seed === 11)!.slos.find((s) => s.name === breaker.name)!.pass,
    ).toBe(false);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /FAIL {2}breaker\.opens == 0 {2}held in \d of 10 seeds \(needs every seed\); breach rate \d+\.\d%, 95% interval/,
    );
    const replay = breaker.worst.replay.split(' ').slice(2);
    const again = runCli([...replay, '--out', tempDir(), '--traces', 'off']);
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/FAIL {2}breaker\.opens == 0/);
  }, 120_000);

  it('gives the same sweep.json for the same seeds, byte for byte, with two workers', () => {
    const second = tempDir();
    runCli([
      'run',
      FILE,
      '--seeds',
      '5..14',
      '--workers',
      '2',
      '--out',
      second,
      '--format',
      'json',
    ]);
    expect(readFileSync(join(second, 'sweep.json'), 'utf8')).toBe(
      readFileSync(join(out, 'sweep.json'), 'utf8'),
    );
  }, 120_000);

  it('passes an SLO that holds in its share of seeds ("in 80% of seeds")', () => {
    const scenario = writeTemp(
      'quantified.yaml',
      readFileSync(FILE, 'utf8').replace(
        'breaker.opens == 0',
        'breaker.opens == 0 in 80% of seeds',
      ),
    );
    const dir = tempDir();
    const quantified = runCli([
      'run',
      scenario,
      '--seeds',
      '5..14',
      '--out',
      dir,
      '--format',
      'json',
    ]);
    const result = sweepSchema.parse(JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')));
    const breaker = result.slos.find((s) => s.metric === 'breaker.opens')!;
    expect(breaker.share).toBe(0.8);
    expect(breaker.pass).toBe(breaker.held >= 8);
    expect(quantified.status).toBe(result.pass ? 0 : 1);
  }, 120_000);

  it.each([
    ['0', /--seeds/],
    ['9..3', /a range A\.\.B with A <= B/],
    ['lots', /a number of seeds/],
  ])('refuses --seeds %s: exit 2, nothing written', (value, message) => {
    const dir = join(tempDir(), 'never');
    const bad = runCli(['run', FILE, '--seeds', value, '--out', dir]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(message);
    expect(existsSync(dir)).toBe(false);
  });
});
