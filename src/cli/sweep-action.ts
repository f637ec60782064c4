/**
 * @module cli/sweep-action
 * `run --seeds`: each scenario drilled under many seeds, one row kept per seed, then one verdict
 * per SLO on how often it held. Writes sweep.json, sweep.md and sweep.html in the scenario's
 * report folder; a sweep writes no per-seed reports or traces (replay a seed for those). With
 * `--workers N` the seeds are drilled N at a time in child processes, with the same result.
 */
import { HarnessError, InputError, SubjectRefusedError } from '../errors.js';
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
import type { Driller } from './driller.js';
import { seedList, type SeedsFlag } from './options.js';
import { createProgress } from './progress.js';
import { drillCellsInWorkers } from './scorecard-cells.js';
import { appendStepSummary, displayPath } from './report-files.js';
import { replayCommand } from './replay.js';
import type { RunOptions } from './run-action.js';

/** Sweeps one scenario: every seed drilled, its row kept, the sweep written and printed. */
export async function sweepScenario(
  scenario: Scenario,
  seeds: SeedsFlag,
  drill: Driller,
  options: RunOptions,
  dir: string,
): Promise<Sweep> {
  const list = seedList(seeds, options.seed ?? scenario.seed);
  const replay = (seed: number): string =>
    replayCommand(scenario.file, seed, options.config, options);
  const progress = createProgress(`${scenario.name}: ${list.length} seeds`);
  const rows = [];
  try {
    if (options.workers > 1) {
      const results = await drillCellsInWorkers(
        [scenario.file],
        {
          own: options.config === undefined && options.subject === undefined,
          config: options.config === undefined ? [] : [options.config],
          subject: options.subject === undefined ? [] : [options.subject],
          ...(options.subjectConfig === undefined ? {} : { subjectConfig: options.subjectConfig }),
          ...(options.maxRequests === undefined ? {} : { maxRequests: options.maxRequests }),
          ...(options.maxDuration === undefined ? {} : { maxDuration: options.maxDuration }),
        },
        list.map((seed) => ({ row: 0, column: 0, seed })),
        options.workers,
        (done) => progress.update(done / list.length),
      );
      for (const [i, result] of results.entries()) {
        if (!('report' in result))
          throw new SubjectRefusedError(options.subject ?? '', result.refused);
        rows.push(sweepRow(list[i] ?? 0, result.report));
      }
    }
    for (const [i, seed] of (options.workers > 1 ? [] : list).entries()) {
      try {
        const { report } = await drill(scenario, { seed, replay: replay(seed) });
        rows.push(sweepRow(seed, report));
      } catch (error) {
        if (error instanceof InputError) throw error;
        throw new HarnessError(
          `the drill ${scenario.name} failed (seed ${seed}); replay: ${replay(seed)}`,
          { cause: error },
        );
      }
      progress.update((i + 1) / list.length);
    }
  } finally {
    progress.stop();
  }
  return finishSweep(scenario, rows, options, dir);
}

/** A sweep's rows summed up, written to `dir` in the formats asked for, and printed. */
export function finishSweep(
  scenario: Scenario,
  rows: readonly Sweep['rows'][number][],
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
