/**
 * @module cli/sweep-action
 * `run --seeds`: each scenario drilled under many seeds, one row kept per seed, then one verdict
 * per SLO on how often it held. Writes sweep.json, sweep.md and sweep.html in the scenario's
 * report folder; a sweep writes no per-seed reports or traces (replay a seed for those). With
 * `--workers N` the seeds are drilled N at a time in worker threads, with the same result.
 */
import { SubjectRefusedError } from '../errors.js';
import type { Scenario } from '../scenario/load-scenario.js';
import { reportJson, writeReportFiles } from '../report/write-report.js';
import {
  buildSweep,
  renderSweepHtml,
  renderSweepMarkdown,
  renderSweepSummary,
  sweepRow,
} from '../report/sweep.js';
import type { Sweep } from '../report/sweep-schema.js';
import { seedList, type SeedsFlag } from './options.js';
import { createProgress } from './progress.js';
import { drillCells, type DrillPool } from './drill-pool.js';
import { appendStepSummary, displayPath } from './report-files.js';
import { replayCommand } from './replay.js';
import type { RunOptions } from './run-action.js';

/** Sweeps scenario `row` of the pool: every seed drilled, its row kept, the sweep written and printed. */
export async function sweepScenario(
  scenario: Scenario,
  row: number,
  seeds: SeedsFlag,
  pool: DrillPool,
  options: RunOptions,
  dir: string,
): Promise<Sweep> {
  const list = seedList(seeds, options.seed ?? scenario.seed);
  const progress = createProgress(`${scenario.name}: ${list.length} seeds`);
  let rows: Row[];
  try {
    rows = await drillCells(
      pool,
      list.map((seed) => ({
        row,
        column: 0,
        seed,
        replay: replayCommand(scenario.file, seed, options.config, options),
      })),
      (result, i) => {
        if (!('report' in result))
          throw new SubjectRefusedError(options.subject ?? '', result.refused);
        return sweepRow(list[i] ?? 0, result.report);
      },
      (share) => progress.update(share),
    );
  } finally {
    progress.stop();
  }
  return finishSweep(scenario, rows, options, dir);
}

type Row = Sweep['rows'][number];

/** A sweep's rows summed up, written to `dir` in the formats asked for, and printed. */
export function finishSweep(
  scenario: Scenario,
  rows: readonly Row[],
  options: Pick<RunOptions, 'subject' | 'subjectConfig' | 'config' | 'format'>,
  dir: string,
): Sweep {
  const replay = (seed: number): string =>
    replayCommand(scenario.file, seed, options.config, options);
  const sweep = buildSweep({
    scenario: scenario.name,
    file: scenario.file,
    drilled:
      options.subject !== undefined
        ? `subject ${options.subject}`
        : options.config !== undefined
          ? `config ${options.config}`
          : 'engine',
    rows,
    slos: scenario.slos,
    replay,
  });
  const files: Record<string, string> = {};
  if (options.format.includes('json')) files['sweep.json'] = reportJson(sweep);
  if (options.format.includes('md')) files['sweep.md'] = renderSweepMarkdown(sweep);
  if (options.format.includes('html')) files['sweep.html'] = renderSweepHtml(sweep);
  const written = writeReportFiles(dir, files);
  process.stdout.write(
    `${renderSweepSummary(sweep, written.length === 0 ? undefined : written.map(displayPath).join(', '))}\n`,
  );
  appendStepSummary(renderSweepMarkdown(sweep));
  return sweep;
}
