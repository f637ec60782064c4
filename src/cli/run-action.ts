/**
 * @module cli/run-action
 * What `run` does: loads every scenario first, drills each, writes its reports and the suite's,
 * and sets the exit code. Loaded only when `run` runs, so `--help` stays light.
 */
import { join, resolve as resolvePath } from 'node:path';
import { HarnessError, InputError, type InputIssue } from '../errors.js';
import { writeReportFiles } from '../report/write-report.js';
import { renderSuiteSummary } from '../report/render-summary.js';
import { renderSuiteMarkdown } from '../report/render-markdown.js';
import { renderJunit } from '../report/render-junit.js';
import type { Report } from '../report/report-schema.js';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import {
  checkSubjectFlags,
  drillLimits,
  telemetryOptions,
  type DrillLimitFlags,
  type Format,
  type SeedsFlag,
  type ShardFlag,
  type SubjectFlags,
} from './options.js';
import { drillerFor } from './driller.js';
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
  /** Drills at once in a sweep. */
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
  const drill = await drillerFor(options);
  if (options.seeds !== undefined) {
    const { sweepScenario } = await import('./sweep-action.js');
    let failed = false;
    for (const scenario of scenarios) {
      const sweep = await sweepScenario(scenario, options.seeds, drill, options, outDir(scenario));
      failed ||= !sweep.pass;
      if (scenarios.length > 1) process.stdout.write('\n');
    }
    process.exitCode = failed ? EXIT.breached : EXIT.ok;
    return;
  }
  let breached = false;
  const reports: Report[] = [];
  for (const scenario of scenarios) {
    const seed = options.seed ?? scenario.seed;
    const replay = replayCommand(scenario.file, seed, options.config, options);
    const progress = createProgress(scenario.name);
    let drilled;
    try {
      const telemetry = telemetryOptions(options, outDir(scenario));
      drilled = await drill(scenario, {
        seed,
        replay,
        onProgress: (d) => progress.update(d),
        ...(telemetry === undefined ? {} : { telemetry }),
        onExportFailures: (messages) => {
          for (const m of new Set(messages))
            process.stderr.write(`failover-drill: telemetry export failed: ${m}\n`);
        },
      });
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new HarnessError(
        `the drill ${scenario.name} failed (seed ${seed}); replay: ${replay}`,
        { cause: error },
      );
    } finally {
      progress.stop();
    }
    const { report, files: extra } = drilled;
    reports.push(report);
    breached =
      reportDrill(
        report,
        extra,
        replay,
        outDir(scenario),
        options.format,
        suiteDir,
        scenarios.length,
      ) || breached;
  }
  if (suiteDir !== undefined) writeSuite(suiteDir, reports, options.format);
  process.exitCode = breached ? EXIT.breached : EXIT.ok;
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
