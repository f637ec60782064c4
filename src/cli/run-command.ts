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
import { runDrill } from '../simulator/run-drill.js';
import { parseFormats, parseSeed, type Format } from './options.js';
import { createProgress } from './progress.js';
import { replayCommand } from './replay.js';

interface RunOptions {
  readonly seed?: number;
  readonly config?: string;
  readonly out?: string;
  readonly format: Format[];
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
    .addHelpText(
      'after',
      `
Exit codes: 0 every SLO held, 1 an SLO was breached, 2 bad input, 3 the harness failed.

Examples:
  $ failover-drill run scenarios/black-friday.yaml
  $ failover-drill run scenarios/black-friday.yaml --seed 7 --out /tmp/drill
  $ failover-drill run scenarios/*.yaml --config configs/candidate.yaml`,
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
          report = await runDrill(scenario, {
            seed,
            replay,
            onProgress: (d) => progress.update(d),
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
