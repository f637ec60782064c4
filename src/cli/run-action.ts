/**
 * @module cli/run-action
 * What `run` does: loads every scenario first, drills each, writes its reports and the suite's,
 * and sets the exit code. Loaded only when `run` runs, so `--help` stays light.
 */
import { join, resolve as resolvePath } from 'node:path';
import { InputError, SubjectRefusedError, type InputIssue } from '../errors.js';
import { writeReportFiles } from '../report/write-report.js';
import { renderSuiteSummary } from '../report/render-summary.js';
import { renderSuiteMarkdown } from '../report/render-markdown.js';
import { renderJunit } from '../report/render-junit.js';
import type { Report } from '../report/report-schema.js';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import {
  checkSubjectFlags,
  drillLimits,
  seedCount,
  telemetryOptions,
  type DrillLimitFlags,
  type Format,
  type SeedsFlag,
  type ShardFlag,
  type SubjectFlags,
} from './options.js';
import {
  drillCells,
  openPool,
  type CellJob,
  type CellResult,
  type DrillPool,
  poolSetup,
} from './drill-pool.js';
import { createProgress } from './progress.js';
import {
  appendStepSummary,
  displayPath,
  ensureWritableDir,
  writeDrillReports,
} from './report-files.js';
import { replayCommand } from './replay.js';
import { EXIT } from './exit-codes.js';

/** The flags of `run`, as commander parses them. */
export interface RunOptions extends DrillLimitFlags, SubjectFlags {
  readonly seed?: number;
  readonly seeds?: SeedsFlag;
  /** `--shard i/n`: drill this share of the run's units and write a shard file. */
  readonly shard?: ShardFlag;
  /** Drills at once: a suite's scenarios, a sweep's seeds, a shard's units. */
  readonly workers: number;
  readonly config?: string;
  readonly out?: string;
  readonly format: Format[];
  readonly traces: boolean;
  readonly traceSample: number;
  readonly otlp?: string;
  readonly recordContent?: boolean;
}

/** Runs `run <scenario...>`: every file checked first, then each drilled and reported. */
export async function runScenarios(files: string[], options: RunOptions): Promise<void> {
  checkSubjectFlags(options);
  if (options.seeds !== undefined && options.otlp !== undefined)
    throw InputError.of(
      '--otlp',
      'a sweep (--seeds) writes no traces: replay one seed to trace it',
    );
  // Every file is checked before anything runs, so bad input writes nothing.
  const scenarios: Scenario[] = files.map((file) =>
    loadScenario(file, {
      limits: drillLimits(options),
      ...(options.config === undefined ? {} : { configFile: options.config }),
    }),
  );
  if (options.shard !== undefined) {
    const { runShard } = await import('./shard-action.js');
    await runShard(files, scenarios, options, options.shard);
    return;
  }
  const { outDir, suiteDir } = reportDirs(scenarios, options.out);
  refuseSharedFolders(scenarios, outDir);
  // A folder that cannot be written is bad input too, found before an hour of drills.
  for (const scenario of scenarios)
    ensureWritableDir(
      outDir(scenario),
      options.out === undefined ? { file: scenario.file, path: ['name'] } : undefined,
    );
  if (suiteDir !== undefined) ensureWritableDir(suiteDir);
  const { columns, pool } = await openPool(
    poolSetup('run', files, options),
    // No more threads than drills: a suite's scenarios, or a sweep's scenarios times seeds.
    Math.min(
      options.workers,
      scenarios.length * (options.seeds === undefined ? 1 : seedCount(options.seeds)),
    ),
    scenarios,
  );
  try {
    const drilled = columns[0]?.scenarios ?? scenarios;
    process.exitCode =
      options.seeds === undefined
        ? await drillSuite(drilled, pool, options, outDir, suiteDir)
        : await sweepSuite(drilled, options.seeds, pool, options, outDir);
  } finally {
    await pool.close();
  }
}

/** Each scenario swept; the exit code. */
async function sweepSuite(
  scenarios: readonly Scenario[],
  seeds: SeedsFlag,
  pool: DrillPool,
  options: RunOptions,
  outDir: (scenario: Scenario) => string,
): Promise<number> {
  const { sweepScenario } = await import('./sweep-action.js');
  let failed = false;
  for (const [row, scenario] of scenarios.entries()) {
    const sweep = await sweepScenario(scenario, row, seeds, pool, options, outDir(scenario));
    failed ||= !sweep.pass;
    if (scenarios.length > 1) process.stdout.write('\n');
  }
  return failed ? EXIT.breached : EXIT.ok;
}

/**
 * Each scenario drilled, its reports written and summed up in the order given; then the suite's
 * files. The exit code.
 */
async function drillSuite(
  scenarios: readonly Scenario[],
  pool: DrillPool,
  options: RunOptions,
  outDir: (scenario: Scenario) => string,
  suiteDir: string | undefined,
): Promise<number> {
  const jobs: CellJob[] = scenarios.map((scenario, row) => {
    const seed = options.seed ?? scenario.seed;
    const telemetry = telemetryOptions(options, outDir(scenario));
    return {
      row,
      column: 0,
      seed,
      replay: replayCommand(scenario.file, seed, options.config, options),
      ...(telemetry === undefined ? {} : { telemetry }),
    };
  });
  let breached = false;
  const reports: Report[] = [];
  const write = (done: CellResult, index: number): void => {
    if (!('report' in done)) throw new SubjectRefusedError(options.subject ?? '', done.refused);
    reports.push(done.report);
    breached =
      reportDrill(
        done.report,
        done.files,
        jobs[index]!.replay ?? '',
        outDir(scenarios[index]!),
        options.format,
        suiteDir,
        scenarios.length,
      ) || breached;
  };
  if (pool.size === 1) {
    // One at a time, each with its own progress line, each reported as soon as it is done.
    for (const [index, job] of jobs.entries()) {
      const progress = createProgress(scenarios[index]!.name);
      let result: CellResult;
      try {
        result = await pool.drill(job, (d) => progress.update(d));
      } finally {
        progress.stop();
      }
      write(result, index);
    }
  } else {
    // Drills end in any order; reports are written in the scenarios' order once the progress
    // line is gone.
    const progress = createProgress(`${jobs.length} drills, ${pool.size} at a time`);
    let results: CellResult[];
    try {
      results = await drillCells(
        pool,
        jobs,
        (result) => result,
        (share) => progress.update(share),
      );
    } finally {
      progress.stop();
    }
    results.forEach(write);
  }
  if (suiteDir !== undefined) writeSuite(suiteDir, reports, options.format);
  return breached ? EXIT.breached : EXIT.ok;
}

/**
 * Where a run's reports go: each scenario's folder (`reports/<name>/` by default; with `--out`,
 * that folder for one scenario and `<out>/<name>/` for several), and a suite's own folder.
 */
export function reportDirs(
  scenarios: readonly Scenario[],
  out: string | undefined,
): { outDir: (scenario: Scenario) => string; suiteDir: string | undefined } {
  return {
    outDir: (scenario) =>
      out === undefined
        ? join('reports', scenario.name)
        : scenarios.length > 1
          ? join(out, scenario.name)
          : out,
    // With several scenarios (a suite), the suite's own files go in the parent folder.
    suiteDir: scenarios.length > 1 ? (out ?? 'reports') : undefined,
  };
}

/** One drill's reports written and summed up, its replay printed on a breach; true if it breached. */
export function reportDrill(
  report: Report,
  extra: Readonly<Record<string, string>>,
  replay: string,
  dir: string,
  format: readonly Format[],
  suiteDir: string | undefined,
  drills: number,
): boolean {
  writeDrillReports(report, dir, format, suiteDir === undefined, extra);
  if (!report.pass) process.stdout.write(`replay: ${replay}\n`);
  if (drills > 1) process.stdout.write('\n');
  return !report.pass;
}

/** A suite's own files (junit.xml, summary.md) and its summary table on stdout. */
export function writeSuite(
  suiteDir: string,
  reports: readonly Report[],
  format: readonly Format[],
): void {
  const suiteFiles: Record<string, string> = {};
  if (format.includes('junit')) suiteFiles['junit.xml'] = renderJunit(reports);
  if (format.includes('md')) suiteFiles['summary.md'] = renderSuiteMarkdown(reports);
  const written = writeReportFiles(suiteDir, suiteFiles);
  appendStepSummary(renderSuiteMarkdown(reports));
  process.stdout.write(`${renderSuiteSummary(reports)}\n`);
  if (written.length > 0) process.stdout.write(`suite: ${written.map(displayPath).join(', ')}\n`);
}

/** Two drills whose reports would go to one folder, the second overwriting the first (exit 2). */
function refuseSharedFolders(
  scenarios: readonly Scenario[],
  outDir: (s: Scenario) => string,
): void {
  const byDir = new Map<string, Scenario>();
  const issues: InputIssue[] = [];
  for (const scenario of scenarios) {
    const dir = resolvePath(outDir(scenario));
    const first = byDir.get(dir);
    if (first === undefined) byDir.set(dir, scenario);
    else
      issues.push({
        file: scenario.file,
        path: ['name'],
        message:
          first.file === scenario.file
            ? `is given twice; its second drill would overwrite the first's reports in ${outDir(scenario)}`
            : `is named "${scenario.name}" like ${first.file}; both drills' reports would go to ${outDir(scenario)}, the second overwriting the first: rename one`,
      });
  }
  if (issues.length > 0) throw new InputError(issues);
}
