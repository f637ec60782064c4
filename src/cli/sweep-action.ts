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
import { drillCellsInWorkers } from './drill-pool.js';
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
  const progress = createProgress(`${scenario.name}: ${list.length} seeds`);
  let rows: Row[];
  try {
    rows =
      options.workers > 1
        ? await rowsInWorkers(scenario, list, options, (done) =>
            progress.update(done / list.length),
          )
        : await rowsHere(scenario, list, drill, options, (done) =>
            progress.update(done / list.length),
          );
  } finally {
    progress.stop();
  }
  return finishSweep(scenario, rows, options, dir);
}

type Row = Sweep['rows'][number];

/** The seeds drilled one after another in this process. */
async function rowsHere(
  scenario: Scenario,
  seeds: readonly number[],
  drill: Driller,
  options: RunOptions,
  onDone: (done: number) => void,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const seed of seeds) {
    const replay = replayCommand(scenario.file, seed, options.config, options);
    try {
      rows.push(sweepRow(seed, (await drill(scenario, { seed, replay })).report));
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new HarnessError(
        `the drill ${scenario.name} failed (seed ${seed}); replay: ${replay}`,
        {
          cause: error,
        },
      );
    }
    onDone(rows.length);
  }
  return rows;
}

/** The seeds spread over `--workers` child processes, rows in seed order. */
async function rowsInWorkers(
  scenario: Scenario,
  seeds: readonly number[],
  options: RunOptions,
  onDone: (done: number) => void,
): Promise<Row[]> {
  return drillCellsInWorkers(
    [scenario.file],
    {
      own: options.config === undefined && options.subject === undefined,
      config: options.config === undefined ? [] : [options.config],
      subject: options.subject === undefined ? [] : [options.subject],
      ...(options.subjectConfig === undefined ? {} : { subjectConfig: options.subjectConfig }),
      ...(options.maxRequests === undefined ? {} : { maxRequests: options.maxRequests }),
      ...(options.maxDuration === undefined ? {} : { maxDuration: options.maxDuration }),
    },
    seeds.map((seed) => ({ row: 0, column: 0, seed })),
    options.workers,
    (result, i) => {
      if (!('report' in result))
        throw new SubjectRefusedError(options.subject ?? '', result.refused);
      return sweepRow(seeds[i] ?? 0, result.report);
    },
    onDone,
  );
}

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
