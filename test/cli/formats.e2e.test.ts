import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runCli, scenarioYaml, tempDir, writeTemp, type CliRun } from '../support/helpers.js';

const cli = (args: string[], env: Record<string, string> = {}): CliRun =>
  runCli(args, { GITHUB_STEP_SUMMARY: '', ...env });

/** The tiny scenario, passing its SLO; `breach` makes its SLO one it cannot hold. */
function scenario(name: string, breach = false): string {
  const text = scenarioYaml({ replace: [['name: tiny', `name: ${name}`]] });
  return writeTemp(
    `${name}.yaml`,
    breach ? text.replace('availability >= 99%', 'latency.max <= 1ms') : text,
  );
}

describe('run --format', () => {
  it('writes report.json, report.md and junit.xml, and appends the Markdown to the job summary', () => {
    const out = tempDir();
    const summary = join(tempDir(), 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    const run = cli(
      ['run', scenario('one'), '--out', out, '--format', 'json,md,junit', '--traces', 'off'],
      {
        GITHUB_STEP_SUMMARY: summary,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(existsSync(join(out, 'report.json'))).toBe(true);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md.split('\n')[0]).toBe('## failover-drill: one — ✅ every SLO held');
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(junit)).toBe(true);
    expect(readFileSync(summary, 'utf8')).toBe(`# earlier step\n${md}\n`);
  });

  it('rejects an unknown format as bad input, writing nothing', () => {
    const out = tempDir();
    const run = cli(['run', scenario('two'), '--out', out, '--format', 'json,pdf']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown format "pdf"; this version writes: json, md, junit, html/);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
  });

  it('writes the HTML report as one file that holds its charting library and data', () => {
    const out = tempDir();
    const run = cli([
      'run',
      scenario('three'),
      '--out',
      out,
      '--format',
      'html',
      '--traces',
      'off',
    ]);
    expect(run.status).toBe(0);
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('id="report-data"');
    expect(page).toMatch(/Chart\.js v4/);
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });
});

describe('run with several scenarios (a suite)', () => {
  it('writes each drill’s reports, one suite JUnit file and summary, and exits 1 if any breached', () => {
    const out = tempDir();
    const run = cli([
      'run',
      scenario('passing'),
      scenario('breaching', true),
      '--out',
      out,
      '--format',
      'json,md,junit',
      '--traces',
      'off',
    ]);
    expect(run.status).toBe(1);
    for (const name of ['passing', 'breaching']) {
      expect(existsSync(join(out, name, 'report.json'))).toBe(true);
      expect(existsSync(join(out, name, 'report.md'))).toBe(true);
      expect(existsSync(join(out, name, 'junit.xml'))).toBe(false);
    }
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(junit)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      junit,
    ) as {
      testsuites: { failures: string; testsuite: { name: string }[] };
    };
    expect(parsed.testsuites.testsuite.map((s) => s.name)).toEqual(['passing', 'breaching']);
    expect(parsed.testsuites.failures).toBe('1');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/1 of 2 drills breached an SLO/);
    expect(run.stdout).toMatch(/result: 1 of 2 drills breached an SLO/);
  });
});
