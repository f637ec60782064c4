import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparisonRows, configLabels } from '../../src/report/compare.js';
import type { Report } from '../../src/report/report-schema.js';
import { scenarioYaml, tempDir, writeTemp } from '../support/helpers.js';

const report = (availability: number, p95: number, cost: number, pass: boolean): Report =>
  ({
    scenario: 's',
    availability,
    requests: {
      total: 100,
      succeeded: availability * 100,
      degraded: 0,
      failed: 100 - availability * 100,
    },
    latencyMs: { p50: 1, p95, p99: p95, max: p95 },
    costUsd: { total: cost },
    slos: [{ pass }],
    pass,
  }) as unknown as Report;

describe('comparisonRows', () => {
  it('names the better config per row, in the right direction, and ties', () => {
    const rows = comparisonRows([
      { label: 'a', file: 'a.yaml', reports: [report(0.9, 2_000, 5, false)] },
      { label: 'b', file: 'b.yaml', reports: [report(1, 2_000, 7, true)] },
    ]);
    const winner = (figure: string) => rows.find((r) => r.figure === figure)?.winner;
    expect(winner('availability')).toBe('b');
    expect(winner('failed requests')).toBe('b');
    expect(winner('latency p95')).toBe('tie');
    expect(winner('cost')).toBe('a');
    expect(winner('SLOs held')).toBe('b');
  });

  it('labels configs by file name, unique', () => {
    expect(configLabels(['x/current.yaml', 'y/current.yaml', 'cand.json'])).toEqual([
      'current (1)',
      'current (2)',
      'cand',
    ]);
  });
});

describe('failover-drill compare', () => {
  const bin = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bin.js');
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });

  it('runs the scenario under each config and prints one table; exit 1 when one breaches', () => {
    const scenario = writeTemp('s.yaml', scenarioYaml());
    const dir = tempDir();
    const alone = writeTemp('alone.yaml', 'groups:\n  chat:\n    targets: [primary/gpt-4o]\n', dir);
    const chain = writeTemp(
      'chain.yaml',
      'groups:\n  chat:\n    targets: [primary/gpt-4o, backup/claude-sonnet-4-5]\n',
      dir,
    );
    const out = tempDir();
    const run = cli(
      'compare',
      scenario,
      '--config',
      alone,
      '--config',
      chain,
      '--out',
      out,
      '--format',
      'md,html',
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/availability\s+\d+\.\d+%\s+100\.00%\s+chain/);
    expect(run.stdout).toMatch(/alone: SLO breached\nchain: every SLO held/);
    expect(readFileSync(join(out, 'compare.md'), 'utf8')).toMatch(/\| tiny \| availability \|/);
    expect(existsSync(join(out, 'compare.html'))).toBe(true);
  });

  it('needs two configs or subjects (exit 2)', () => {
    const run = cli('compare', writeTemp('s.yaml', scenarioYaml()), '--config', 'a.yaml');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /at least two columns: --config A --config B, --subject X --subject Y, or a mix/,
    );
  });
});
