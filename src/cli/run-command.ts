/**
 * @module cli/run-command
 * `failover-drill run <scenario...>`: runs each drill, writes its reports, prints a summary, and
 * exits 0 when every SLO held, 1 when one broke.
 */
import { Command, Option } from 'commander';
import { mkdirSync, accessSync, constants } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { HarnessError, InputError } from '../errors.js';
import { reportJson, writeReportFiles } from '../report/write-report.js';
import { renderSummary } from '../report/render-summary.js';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import { runDrill, type DrillOptions } from '../simulator/run-drill.js';
import {
  parseFormats,
  parseOnOff,
  parseOtlpUrl,
  parseSeed,
  parseShare,
  type Format,
} from './options.js';
import { createProgress } from './progress.js';
import { replayCommand } from './replay.js';

interface RunOptions {
  readonly seed?: number;
  readonly config?: string;
  readonly out?: string;
  readonly format: Format[];
  readonly traces: boolean;
  readonly traceSample: number;
  readonly otlp?: string;
  readonly recordContent?: boolean;
}

/** Where telemetry goes: the flags first, then the standard OpenTelemetry variables. */
function telemetryOptions(options: RunOptions, dir: string): DrillOptions['telemetry'] {
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
    .addOption(
      new Option('--format <list>', 'report formats, comma-separated')
        .default(['json'], 'json')
        .argParser(parseFormats),
    )
    .addOption(
      new Option('--traces <on|off>', 'write traces.jsonl and metrics.jsonl (OTLP JSON lines)')
        .default(true, 'on')
        .argParser(parseOnOff),
    )
    .addOption(
      new Option('--trace-sample <share>', 'share of requests traced, e.g. 0.1 or 10%')
        .default(1, '1')
        .argParser(parseShare),
    )
    .option(
      '--otlp <url>',
      'also send traces and metrics to this OTLP/HTTP collector, e.g. http://127.0.0.1:4318 (default: OTEL_EXPORTER_OTLP_ENDPOINT when set)',
      parseOtlpUrl,
    )
    .option('--record-content', 'record prompts and answers in the traces (off: no message text)')
    .addHelpText(
      'after',
      `
Exit codes: 0 every SLO held, 1 an SLO was breached, 2 bad input, 3 the harness failed.

Traces: one root span per request and one child per attempt, timestamped in drill time from
the scenario's startsAt, ids drawn from the seed. --traces off writes none; --trace-sample
keeps a share of requests (decided by trace id, so the same ones every run).

Examples:
  $ failover-drill run scenarios/black-friday.yaml
  $ failover-drill run scenarios/black-friday.yaml --seed 7 --out /tmp/drill
  $ failover-drill run scenarios/*.yaml --config configs/candidate.yaml
  $ failover-drill run scenarios/black-friday.yaml --otlp http://127.0.0.1:4318 --trace-sample 10%`,
    )
    .action(async (files: string[], options: RunOptions) => {
      // Every file is checked before anything runs, so bad input writes nothing.
      const scenarios: Scenario[] = files.map((file) =>
        loadScenario(file, options.config === undefined ? {} : { configFile: options.config }),
      );
      const outDir = (scenario: Scenario): string =>
        options.out === undefined
          ? join('reports', scenario.name)
          : scenarios.length > 1
            ? join(options.out, scenario.name)
            : options.out;
      // A folder that cannot be written is bad input too, found before an hour of drills.
      for (const scenario of scenarios) ensureWritableDir(outDir(scenario));
      let breached = false;
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
          throw new HarnessError(
            `the drill ${scenario.name} failed (seed ${seed}); replay: ${replay}`,
            { cause: error },
          );
        } finally {
          progress.stop();
        }
        const dir = outDir(scenario);
        const files: Record<string, string> = {};
        if (options.format.includes('json')) files['report.json'] = reportJson(report);
        const [written] = writeReportFiles(dir, files);
        process.stdout.write(
          `${renderSummary(report, written === undefined ? undefined : displayPath(written))}\n`,
        );
        if (!report.pass) {
          breached = true;
          process.stdout.write(`replay: ${replay}\n`);
        }
        if (scenarios.length > 1) process.stdout.write('\n');
      }
      process.exitCode = breached ? 1 : 0;
    });
}

/** Creates the report folder, or explains why it cannot be used (exit 2). */
function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'a file is in the way'
        : code === 'EACCES'
          ? 'permission denied'
          : String(code);
    throw InputError.of('--out', `cannot write reports to ${dir}: ${why}`);
  }
}

/** A path relative to the working folder when it lies inside it, else as given. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
