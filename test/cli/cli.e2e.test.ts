import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report-schema.js';
import { reportSchema } from '../../src/report/report-schema.js';
import { BIN, runCli, scenarioYaml, tempDir, writeTemp, type CliRun } from '../support/helpers.js';

const cli = (...args: string[]): CliRun => runCli(args);

function readReport(dir: string): Report {
  return reportSchema.parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
}

describe('failover-drill run scenarios/black-friday.yaml', () => {
  const out = tempDir();
  let run: ReturnType<typeof cli>;
  let report: Report;

  beforeAll(() => {
    expect(existsSync(BIN), 'dist/ is built by `npm test` before the tests run').toBe(true);
    run = cli('run', 'scenarios/black-friday.yaml', '--out', out);
    report = readReport(out);
  }, 60_000);

  it('exits 0 with every SLO held and prints the summary', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/black-friday/);
    expect(run.stdout).toMatch(/result: every SLO held/);
  });

  it('loses about 1,250 requests without failover and keeps 99.9% with it', () => {
    expect(report.requests.total).toBeGreaterThan(4_600);
    expect(report.requests.total).toBeLessThan(5_400);
    expect(report.baseline.requests.total).toBe(report.requests.total);
    expect(report.baseline.requests.failed).toBeGreaterThan(1_150);
    expect(report.baseline.requests.failed).toBeLessThan(1_350);
    expect(report.baseline.availability).toBeLessThan(0.8);
    expect(report.availability).toBeGreaterThanOrEqual(0.999);
  });

  it('shows the failover from the primary, detected fast, recovering after the outage', () => {
    const first = report.failovers[0];
    expect(first).toMatchObject({ from: 'primary/gpt-4o', to: 'backup/claude-sonnet-4-5' });
    expect(first!.atMs).toBeGreaterThanOrEqual(30 * 60_000);
    expect(first!.detectionMs).toBeLessThan(1_000);
    const last = report.failovers.at(-1)!;
    expect(last.recoveredAtMs).toBeGreaterThanOrEqual(45 * 60_000);
  });

  it('adds up attempts and cost per provider', () => {
    const attempts = Object.values(report.attempts.byProvider).reduce((a, b) => a + b, 0);
    expect(attempts).toBe(report.attempts.total);
    const byProvider = Object.values(report.costUsd.byProvider).reduce((a, b) => a + b, 0);
    expect(byProvider).toBeCloseTo(report.costUsd.total, 4);
    expect(report.costUsd.byProvider.backup).toBeGreaterThan(0);
    expect(report.timeline.minutes.reduce((n, m) => n + m.total, 0)).toBe(report.requests.total);
  });

  it('replays byte for byte with the same seed, wall time aside', () => {
    const again = tempDir();
    expect(
      cli('run', 'scenarios/black-friday.yaml', '--out', again, '--seed', String(report.seed))
        .status,
    ).toBe(0);
    const strip = (dir: string): string =>
      readFileSync(join(dir, 'report.json'), 'utf8').replace(/"wallMs": \d+/, '"wallMs": 0');
    expect(strip(again)).toBe(strip(out));
    const other = tempDir();
    cli('run', 'scenarios/black-friday.yaml', '--out', other, '--seed', '43');
    expect(strip(other)).not.toBe(strip(out));
  }, 60_000);
});

describe('exit codes', () => {
  it('exits 1 on a breached SLO and prints the replay command', () => {
    const file = writeTemp(
      's.yaml',
      scenarioYaml({ replace: [['availability >= 99%', 'latency.p50 <= 1ms']] }),
    );
    const out = tempDir();
    const result = cli('run', file, '--out', out);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/FAIL {2}latency\.p50 <= 1ms/);
    expect(result.stdout).toContain(`replay: npx failover-drill run ${file} --seed 7`);
    expect(readReport(out).pass).toBe(false);
  });

  it('exits 2 on a bad scenario, naming file, line and key, writing nothing', () => {
    const file = writeTemp('s.yaml', scenarioYaml({ replace: [['for: 30s', 'for: 30 sec']] }));
    const out = join(tempDir(), 'never');
    const result = cli('run', file, '--out', out);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^${file}:26:5 faults\\[0\\]\\.for: "30 sec" is not a duration`),
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 before running anything when one of several scenarios is bad', () => {
    const bad = writeTemp('bad.yaml', 'name: broken\n');
    const out = tempDir();
    const result = cli('run', writeTemp('good.yaml', scenarioYaml()), bad, '--out', out);
    expect(result.status).toBe(2);
    expect(existsSync(join(out, 'tiny'))).toBe(false);
  });

  it('exits 2 on bad flags', () => {
    expect(cli('run', 'scenarios/black-friday.yaml', '--seed', 'abc').status).toBe(2);
    const format = cli('run', 'scenarios/black-friday.yaml', '--format', 'json,pdf');
    expect(format.status).toBe(2);
    expect(format.stderr).toMatch(/unknown format "pdf"/);
    expect(cli('run').status).toBe(2);
    expect(cli('frobnicate').status).toBe(2);
  });

  it('exits 2 when the report folder cannot be written, before running', () => {
    const file = writeTemp('in-the-way', 'not a folder');
    const result = cli('run', 'scenarios/black-friday.yaml', '--out', join(file, 'reports'));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^--out cannot write reports to .*in-the-way\/reports: a file is in the way/,
    );
    expect(result.stdout).toBe('');
  });

  it('exits 2 on a missing file', () => {
    const result = cli('run', 'scenarios/nope.yaml');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^scenarios\/nope\.yaml file not found/);
  });

  it('validates files without running them', () => {
    const good = cli('validate', 'scenarios/black-friday.yaml');
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/^ok {2}scenarios\/black-friday\.yaml/);
    const bad = cli(
      'validate',
      writeTemp('s.yaml', scenarioYaml({ replace: [['primary/gpt-4o,', 'primary/gpt-5,']] })),
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/provider "primary" has no model "gpt-5"/);
  });

  it('teaches through --help', () => {
    const help = cli('run', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(
      /Exit codes: 0 every SLO held, 1 an SLO was breached, 2 bad input, 3 the harness failed/,
    );
    expect(help.stdout).toMatch(/--seed <n>/);
    expect(cli('--help').stdout).toMatch(/run \[options\] <scenario\.\.\.>/);
  });
});
