/**
 * @module cli/check-command
 * `failover-drill check <scenario>`: searches fault schedules around the scenario for one that
 * breaks its SLOs, shrinks it, and writes the smallest as a replayable scenario file. Exit 1
 * when it found a breach, 0 when none within the budget.
 */
import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { describeFault, searchBreach } from '../check/search.js';
import type { FaultInput } from '../check/arbitraries.js';
import { systemClock } from '../engine/runtime/system-clock.js';
import { HarnessError } from '../errors.js';
import { writeReportFiles } from '../report/write-report.js';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import {
  drillLimits,
  maxDurationOption,
  maxRequestsOption,
  parsePositiveDuration,
  parseSeed,
  type DrillLimitFlags,
} from './options.js';
import { createProgress } from './progress.js';
import { replayCommand } from './replay.js';
import { displayPath, ensureWritableDir } from './report-files.js';
import { EXIT } from './exit-codes.js';

interface CheckOptions extends DrillLimitFlags {
  readonly config?: string;
  readonly runs: number;
  readonly seed?: number;
  readonly timeLimit: number;
  readonly maxFaults: number;
  readonly out?: string;
}

function parsePositiveInt(what: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max)
      throw new InvalidArgumentError(`${what}: a whole number from 1 to ${max}`);
    return n;
  };
}

/**
 * The scenario file with the found faults added to its own, as YAML: the original document with
 * its comments, a new name, and a failover path that still points at the same file.
 */
function counterexampleYaml(
  scenario: Scenario,
  faults: readonly FaultInput[],
  outDir: string,
  header: string,
): string {
  const document = parseDocument(readFileSync(scenario.file, 'utf8'));
  document.set('name', `${scenario.name}-counterexample`);
  const own = document.get('faults') as { toJSON?: () => unknown } | undefined;
  const existing: unknown = own?.toJSON?.();
  document.set('faults', [...(Array.isArray(existing) ? (existing as unknown[]) : []), ...faults]);
  const failover = document.get('failover');
  if (typeof failover === 'string' && !isAbsolute(failover)) {
    const target = resolve(dirname(scenario.file), failover);
    document.set('failover', relative(resolve(outDir), target));
  }
  document.commentBefore = header;
  return document.toString({ lineWidth: 100 });
}

/** The `check` command. */
export function checkCommand(): Command {
  return new Command('check')
    .description(
      'Search fault schedules around a scenario for one that breaks its SLOs, shrink it, and write the smallest as a replayable scenario.',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--config <file>', "failover config to check instead of the scenario's own")
    .option('--runs <n>', 'fault schedules to try', parsePositiveInt('--runs', 100_000), 100)
    .option('--seed <n>', 'seed of the search (default: the scenario’s)', parseSeed)
    .option(
      '--time-limit <duration>',
      'stop searching and shrinking after this long',
      parsePositiveDuration,
      120_000,
    )
    .option(
      '--max-faults <n>',
      'faults a schedule may add',
      parsePositiveInt('--max-faults', 20),
      4,
    )
    .option('--out <dir>', 'where counterexample.yaml goes (default: reports/<scenario name>/)')
    .addOption(maxRequestsOption())
    .addOption(maxDurationOption())
    .addHelpText(
      'after',
      `
Each try adds up to --max-faults faults (outages, error rates, hangs, 429 storms, slow or broken
streams, …) to the scenario's own and drills it whole; the first schedule that breaks an SLO is
shrunk (fewer faults, shorter windows, simpler kinds) while it still breaks one.

Exit codes: 1 a breaking schedule was found (and written), 0 none within the budget, 2 bad
input, 3 the harness failed.

Example:
  $ failover-drill check scenarios/naive-single-provider.yaml --runs 50 --seed 1`,
    )
    .action(async (file: string, options: CheckOptions) => {
      const scenario = loadScenario(file, {
        limits: drillLimits(options),
        ...(options.config === undefined ? {} : { configFile: options.config }),
      });
      const outDir = options.out ?? join('reports', scenario.name);
      ensureWritableDir(outDir);
      const seed = options.seed ?? scenario.seed;
      const progress = createProgress(`check ${scenario.name}`);
      let result;
      try {
        result = await searchBreach(
          scenario,
          {
            runs: options.runs,
            seed,
            timeLimitMs: options.timeLimit,
            maxFaults: options.maxFaults,
            onRun: (done) => progress.update(Math.min(1, done / options.runs)),
          },
          systemClock,
        );
      } catch (error) {
        throw new HarnessError(`check of ${scenario.name} failed (search seed ${seed})`, {
          cause: error,
        });
      } finally {
        progress.stop();
      }
      const rate = result.drills / Math.max(0.001, result.elapsedMs / 1_000);
      const speed = `${result.drills} drills in ${(result.elapsedMs / 1_000).toFixed(1)} s (${rate.toFixed(1)} drills/s)`;
      const breach = result.breach;
      if (breach === undefined) {
        process.stdout.write(
          `${scenario.name}: no fault schedule of up to ${options.maxFaults} faults broke an SLO in ${result.runs} tries${result.interrupted ? ' (stopped at the time limit)' : ''}; ${speed}; search seed ${seed}\n`,
        );
        process.exitCode = EXIT.ok;
        return;
      }
      const broken = breach.report.slos.filter((s) => !s.pass).map((s) => s.name);
      const yamlText = counterexampleYaml(
        scenario,
        breach.faults,
        outDir,
        ` Found by failover-drill check (search seed ${seed}): these faults break ${broken.join(', ')}.\n Replay it with failover-drill run.`,
      );
      const [written] = writeReportFiles(outDir, { 'counterexample.yaml': yamlText });
      const path = displayPath(written ?? join(outDir, 'counterexample.yaml'));
      const lines = [
        `${scenario.name}: found a fault schedule that breaks ${broken.join(', ')}`,
        `search seed ${seed}; ${speed}; first breaking schedule had ${breach.firstFound.length} fault(s), shrunk in ${breach.shrinks} step(s) to ${breach.faults.length}:`,
        ...breach.faults.map((f) => `  - ${describeFault(f)}`),
        `written: ${path}`,
        `replay: ${replayCommand(path, scenario.seed, options.config)}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      process.exitCode = EXIT.breached;
    });
}
