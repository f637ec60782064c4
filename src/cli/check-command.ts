/**
 * @module cli/check-command
 * `failover-drill check <scenario>`: searches fault schedules around the scenario for one that
 * breaks its SLOs, shrinks it, and writes the smallest as a replayable scenario file. Exit 1
 * when it found a breach, 0 when none within the budget.
 */
import { Command, InvalidArgumentError } from 'commander';
import {
  workersOption,
  maxDurationOption,
  maxRequestsOption,
  parsePositiveDuration,
  parseSeed,
  subjectConfigOption,
  subjectOption,
  type DrillLimitFlags,
  type SubjectFlags,
} from './options.js';

/** The flags of `check`, as commander parses them. */
export interface CheckOptions extends DrillLimitFlags, SubjectFlags {
  readonly config?: string;
  readonly runs: number;
  readonly seed?: number;
  readonly timeLimit: number;
  readonly maxFaults: number;
  readonly workers: number;
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

/** The `check` command. */
export function checkCommand(): Command {
  return new Command('check')
    .description(
      'Search fault schedules around a scenario for one that breaks its SLOs, shrink it, and write the smallest as a replayable scenario.',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--config <file>', "failover config to check instead of the scenario's own")
    .addOption(subjectOption())
    .addOption(subjectConfigOption())
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
    .addOption(workersOption('tries'))
    .option('--out <dir>', 'where counterexample.yaml goes (default: reports/<scenario name>/)')
    .addOption(maxRequestsOption())
    .addOption(maxDurationOption())
    .addHelpText(
      'after',
      `
Each try adds up to --max-faults faults (outages, error rates, hangs, 429 storms, slow or broken
streams, …) to the scenario's own and drills it whole; the first schedule that breaks an SLO is
shrunk (fewer faults, shorter windows, simpler kinds) while it still breaks one. With
--workers N, the next N tries (or shrink candidates) are drilled at once, ahead of the search;
it still takes their results in its own order, so for a given --seed the counterexample is the
same with any number of workers (unless --time-limit cuts the search short).

Exit codes: 1 a breaking schedule was found (and written), 0 none within the budget, 2 bad
input, 3 the harness failed.

With --subject, each try drills the subject (Portkey, your own SDK code) in virtual time, and
the counterexample replays with run --subject.

Examples:
  $ failover-drill check scenarios/naive-single-provider.yaml --runs 50 --seed 1
  $ failover-drill check scenarios/black-friday.yaml --subject portkey --runs 30`,
    )
    .action(async (file: string, options: CheckOptions) => {
      const { checkScenario } = await import('./check-action.js');
      await checkScenario(file, options);
    });
}
