/**
 * `failover-drill scorecard`: scenarios × implementations, one verdict a cell, the same with any
 * number of workers; bad input refused before anything is written.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/helpers.js';

/** Two conduct scenarios in a folder of their own. */
function suite(): string {
  const dir = join(tempDir(), 'suite');
  mkdirSync(dir);
  for (const name of ['503-forever', 'context-length'])
    copyFileSync(`scenarios/conduct/${name}.yaml`, join(dir, `${name}.yaml`));
  return dir;
}

const SUBJECTS = ['--subject', 'engine', '--subject', 'openai-sdk', '--subject', 'langchain'];

interface Card {
  scenarios: { name: string }[];
  columns: { label: string; totals: { pass: number; fail: number; na: number } }[];
  cells: {
    verdict: string;
    failed?: { slo: string; actual: string }[];
    reason?: string;
    replay?: string;
  }[][];
  pass: boolean;
}

describe('scorecard', () => {
  const dir = suite();
  const one = tempDir();
  const two = tempDir();
  const first = runCli(['scorecard', dir, ...SUBJECTS, '--workers', '1', '--out', one]);
  const second = runCli(['scorecard', dir, ...SUBJECTS, '--workers', '2', '--out', two]);
  const card = JSON.parse(readFileSync(join(one, 'scorecard.json'), 'utf8')) as Card;

  it('scores every scenario of a folder under every subject, and exits 1 when a cell failed', () => {
    expect(first.stderr).toBe('');
    expect(first.status).toBe(1);
    expect(card.scenarios.map((s) => s.name)).toEqual([
      'conduct-503-forever',
      'conduct-context-length',
    ]);
    expect(card.columns.map((c) => c.label)).toEqual(['engine', 'openai-sdk', 'langchain']);
    expect(card.cells[0]![0]!.verdict).toBe('pass');
    expect(first.stdout).toMatch(/^total\s+2\/2 pass\s+0\/1 pass, 1 n\/a/m);
    expect(readdirSync(one).sort()).toEqual(['scorecard.html', 'scorecard.json', 'scorecard.md']);
  }, 120_000);

  it('names the SLO that failed with its value, and the replay of each cell', () => {
    const sdk = card.cells[0]![1]!;
    expect(sdk.verdict).toBe('fail');
    expect(sdk.failed![0]!.slo).toBe('availability >= 99.9%');
    expect(sdk.failed![0]!.actual).toMatch(/%$/);
    expect(sdk.replay).toMatch(/^npx failover-drill run .*503-forever.yaml .*--subject openai-sdk/);
    expect(readFileSync(join(one, 'scorecard.md'), 'utf8')).toContain(
      `FAIL availability >= 99.9% (${sdk.failed![0]!.actual})`,
    );
  });

  it('marks a scenario the subject refuses as n/a, with its reason, not as passed or failed', () => {
    expect(card.cells[1]![1]).toEqual({
      verdict: 'n/a',
      reason: 'group long-context starts on fallback, which speaks the Anthropic wire',
    });
    expect(card.columns[1]!.totals).toMatchObject({ pass: 0, fail: 1, na: 1 });
  });

  it('gives the same scorecard, byte for byte, with two workers', () => {
    expect(second.status).toBe(1);
    expect(readFileSync(join(two, 'scorecard.json'), 'utf8')).toBe(
      readFileSync(join(one, 'scorecard.json'), 'utf8'),
    );
  });

  const bad: [string, string[], RegExp][] = [
    ['nothing to drill', [dir], /scorecard needs something to drill/],
    ['a folder without scenarios', [tempDir(), '--subject', 'engine'], /holds no scenario files/],
    [
      'a subject that refuses every scenario',
      ['scenarios/conduct/context-length.yaml', '--subject', 'openai-sdk'],
      /openai-sdk refused every scenario: group long-context/,
    ],
    ['a bad --workers', [dir, '--subject', 'engine', '--workers', '0'], /--workers/],
  ];
  it.each(bad)('refuses %s: exit 2, one line, nothing written', (_, args, message) => {
    const out = join(tempDir(), 'never');
    const run = runCli(['scorecard', ...args, '--out', out]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});
