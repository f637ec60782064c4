/**
 * @module cli/run-command
 * `failover-drill run <scenario...>`: runs each drill, writes its reports, prints a summary, and
 * exits 0 when every SLO held, 1 when one broke.
 */
import { Command, Option } from 'commander';
import { appendFileSync, accessSync, constants } from 'node:fs';
import { isAbsolute, join, relative, resolve as resolvePath } from 'node:path';
import { HarnessError, InputError, type InputIssue } from '../errors.js';
import { makeDir, reportJson, writeReportFiles } from '../report/write-report.js';
import { renderSummary, renderSuiteSummary } from '../report/render-summary.js';
import { renderMarkdown, renderSuiteMarkdown } from '../report/render-markdown.js';
import { renderJunit } from '../report/render-junit.js';
import { renderHtml } from '../report/render-html.js';
import type { Report } from '../report/report-schema.js';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import { runDrill, type DrillOptions } from '../simulator/run-drill.js';
import {
  parseFormats,
  parseOnOff,
  parseOtlpUrl,
  parseSeed,
  parseShare,
  maxDurationOption,
  maxRequestsOption,
  drillLimits,
  type DrillLimitFlags,
  type Format,
} from './options.js';
import { createProgress } from './progress.js';
import { replayCommand } from './replay.js';
import { EXIT } from './exit-codes.js';

interface RunOptions extends DrillLimitFlags {
  readonly seed?: number;
  readonly config?: string;
  readonly out?: string;
  readonly format: Format[];
  readonly traces: boolean;
  readonly traceSample: number;
  readonly otlp?: string;
  readonly recordContent?: boolean;
}

/** The telemetry flags `run` and `drill` share. */
export interface TelemetryFlags {
  readonly traces: boolean;
  readonly traceSample: number;
  readonly otlp?: string;
  readonly recordContent?: boolean;
}

/** Where telemetry goes: the flags first, then the standard OpenTelemetry variables. */
export function telemetryOptions(options: TelemetryFlags, dir: string): DrillOptions['telemetry'] {
  const env = process.env;
  if (!options.traces || env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return undefined;
  const fromEnv =
    (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) !== undefined;
  const otlp = options.otlp ?? (fromEnv ? 'env' : undefined);
  return {
    dir,
    sample: options.traceSample,
    recordContent: options.recordContent === true,
    ...(otlp === undefined ? {} : { otlp }),
  };
}

/** `--format`, as `run` and `drill` take it. */
export function formatOption(): Option {
  return new Option(
    '--format <list>',
    'report formats, comma-separated: json (report.json), md (report.md), junit (junit.xml), html (report.html)',
  )
    .default(['json'], 'json')
    .argParser(parseFormats);
}

/** `--traces`. */
export function tracesOption(): Option {
  return new Option('--traces <on|off>', 'write traces.jsonl and metrics.jsonl (OTLP JSON lines)')
    .default(true, 'on')
    .argParser(parseOnOff);
}

/** `--trace-sample`. */
export function traceSampleOption(): Option {
  return new Option('--trace-sample <share>', 'share of requests traced, e.g. 0.1 or 10%')
    .default(1, '1')
    .argParser(parseShare);
}

/** `--otlp`. */
export function otlpOption(): Option {
  return new Option(
    '--otlp <url>',
    'also send traces and metrics to this OTLP/HTTP collector, e.g. http://127.0.0.1:4318 (default: OTEL_EXPORTER_OTLP_ENDPOINT when set)',
  ).argParser(parseOtlpUrl);
}

/** `--record-content`. */
export function recordContentOption(): Option {
  return new Option(
    '--record-content',
    'record prompts and answers in the traces (off: no message text)',
  );
}

/** The `run` command. Sets `process.exitCode`; throws InputError on bad input. */
export function runCommand(): Command {
  return new Command('run')
    .description(
      'Run drills: simulate each scenario with its failover engine and without, write report.json, judge the SLOs.',
    )
    .argument('<scenario...>', 'scenario files (YAML or JSON)')
    .option('--seed <n>', "seed for every random draw (default: the scenario's own)", parseSeed)
    .option('--config <file>', "failover config to drill instead of the scenario's own")
    .option(
      '--out <dir>',
      'report folder (default: reports/<scenario name>/; with several scenarios, <dir>/<scenario name>/)',
    )
    .addOption(formatOption())
    .addOption(tracesOption())
    .addOption(traceSampleOption())
    .addOption(otlpOption())
    .addOption(recordContentOption())
    .addOption(maxRequestsOption())
    .addOption(maxDurationOption())
    .addHelpText(
      'after',
      `
Exit codes: 0 every SLO held, 1 an SLO was breached, 2 bad input, 3 the harness failed;
130 or 143 when stopped by Ctrl-C or SIGTERM (unfinished trace files are removed).

Limits: a drill expected to send more than --max-requests, or longer than --max-duration,
is bad input, and so is one expected to send no request (unless traffic.allowNoRequests).

Traces: one root span per request and one child per attempt, timestamped in drill time from
the scenario's startsAt, ids drawn from the seed. --traces off writes none; --trace-sample
keeps a share of requests (decided by trace id, so the same ones every run).

Examples:
  $ failover-drill run scenarios/black-friday.yaml
  $ failover-drill run scenarios/black-friday.yaml --seed 7 --out /tmp/drill
  $ failover-drill run scenarios/*.yaml --config configs/candidate.yaml --format json,md,junit
  $ failover-drill run scenarios/black-friday.yaml --otlp http://127.0.0.1:4318 --trace-sample 10%`,
    )
    .action(async (files: string[], options: RunOptions) => {
      // Every file is checked before anything runs, so bad input writes nothing.
      const scenarios: Scenario[] = files.map((file) =>
        loadScenario(file, {
          limits: drillLimits(options),
          ...(options.config === undefined ? {} : { configFile: options.config }),
        }),
      );
      const outDir = (scenario: Scenario): string =>
        options.out === undefined
          ? join('reports', scenario.name)
          : scenarios.length > 1
            ? join(options.out, scenario.name)
            : options.out;
      // With several scenarios (a suite), the suite's own files go in the parent folder.
      const suiteDir = scenarios.length > 1 ? (options.out ?? 'reports') : undefined;
      refuseSharedFolders(scenarios, outDir);
      // A folder that cannot be written is bad input too, found before an hour of drills.
      for (const scenario of scenarios)
        ensureWritableDir(
          outDir(scenario),
          options.out === undefined ? { file: scenario.file, path: ['name'] } : undefined,
        );
      if (suiteDir !== undefined) ensureWritableDir(suiteDir);
      let breached = false;
      const reports: Report[] = [];
      for (const scenario of scenarios) {
        const seed = options.seed ?? scenario.seed;
        const replay = replayCommand(scenario.file, seed, options.config);
        const progress = createProgress(scenario.name);
        let report;
        try {
          const telemetry = telemetryOptions(options, outDir(scenario));
          report = await runDrill(scenario, {
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
        reports.push(report);
        writeDrillReports(report, outDir(scenario), options.format, suiteDir === undefined);
        if (!report.pass) {
          breached = true;
          process.stdout.write(`replay: ${replay}\n`);
        }
        if (scenarios.length > 1) process.stdout.write('\n');
      }
      if (suiteDir !== undefined) {
        const suiteFiles: Record<string, string> = {};
        if (options.format.includes('junit')) suiteFiles['junit.xml'] = renderJunit(reports);
        if (options.format.includes('md')) suiteFiles['summary.md'] = renderSuiteMarkdown(reports);
        const written = writeReportFiles(suiteDir, suiteFiles);
        appendStepSummary(renderSuiteMarkdown(reports));
        process.stdout.write(`${renderSuiteSummary(reports)}\n`);
        if (written.length > 0)
          process.stdout.write(`suite: ${written.map(displayPath).join(', ')}\n`);
      }
      process.exitCode = breached ? EXIT.breached : EXIT.ok;
    });
}

/**
 * Writes one drill's report files in the formats asked for (JUnit only when the drill is not
 * part of a suite), prints its summary and appends it to the job summary.
 */
export function writeDrillReports(
  report: Report,
  dir: string,
  formats: readonly Format[],
  junit: boolean,
): void {
  const files: Record<string, string> = {};
  if (formats.includes('json')) files['report.json'] = reportJson(report);
  if (formats.includes('md')) files['report.md'] = renderMarkdown(report);
  if (formats.includes('html')) files['report.html'] = renderHtml(report);
  if (formats.includes('junit') && junit) files['junit.xml'] = renderJunit([report]);
  const written = writeReportFiles(dir, files);
  process.stdout.write(
    `${renderSummary(report, written.length === 0 ? undefined : written.map(displayPath).join(', '))}\n`,
  );
  appendStepSummary(renderMarkdown(report));
}

/** GitHub Actions takes at most 1 MiB of job summary per step; this run stays under it. */
const STEP_SUMMARY_BUDGET = 900 * 1024;
let stepSummaryBytes = 0;

/** GitHub Actions' job summary: each drill's Markdown is appended when the variable is set. */
function appendStepSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file === undefined || file === '') return;
  let text = `${markdown}\n`;
  const size = Buffer.byteLength(text);
  if (stepSummaryBytes + size > STEP_SUMMARY_BUDGET) {
    if (stepSummaryBytes >= STEP_SUMMARY_BUDGET) return;
    text = `${markdown.split('\n', 1)[0] ?? ''}\n\n(The rest of this report is in report.md: the job summary is full.)\n\n`;
  }
  stepSummaryBytes += Buffer.byteLength(text);
  try {
    appendFileSync(file, text);
  } catch (error) {
    process.stderr.write(
      `failover-drill: could not append to GITHUB_STEP_SUMMARY (${file}): ${(error as Error).message}\n`,
    );
  }
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

/**
 * Creates the report folder, or explains why it cannot be used (exit 2). The problem is put on
 * `--out`, or on `blame` (the scenario's name) when the folder came from it.
 */
export function ensureWritableDir(
  dir: string,
  blame?: { file: string; path: (string | number)[] },
): void {
  try {
    makeDir(dir);
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'a file is in the way'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'ENAMETOOLONG'
            ? 'the name is too long for the file system'
            : code === 'EROFS'
              ? 'the file system is read-only'
              : code === 'ENOENT'
                ? 'the file system refuses to create it'
                : String(code);
    throw InputError.of(
      blame?.file ?? '--out',
      `cannot write reports to ${dir}: ${why}`,
      blame?.path,
    );
  }
}

/** A path relative to the working folder when it lies inside it, else as given. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
