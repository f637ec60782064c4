/**
 * @module cli/run-command
 * `failover-drill run <scenario...>`: runs each drill, writes its reports, prints a summary, and
 * exits 0 when every SLO held, 1 when one broke.
 */
import { Command } from 'commander';
import type { RunOptions } from './run-action.js';
import {
  formatOption,
  otlpOption,
  parseSeed,
  workersOption,
  seedsOption,
  shardOption,
  recordContentOption,
  traceSampleOption,
  tracesOption,
  maxDurationOption,
  maxRequestsOption,
  subjectConfigOption,
  subjectOption,
} from './options.js';

/** The `run` command. Sets `process.exitCode`; throws InputError on bad input. */
export function runCommand(): Command {
  return new Command('run')
    .description(
      'Run drills: simulate each scenario with its failover engine and without, write report.json, judge the SLOs.',
    )
    .argument('<scenario...>', 'scenario files (YAML or JSON)')
    .option('--seed <n>', "seed for every random draw (default: the scenario's own)", parseSeed)
    .addOption(seedsOption())
    .addOption(workersOption("drills (a suite's scenarios, a sweep's seeds)"))
    .addOption(shardOption('its scenarios, or scenarios × seeds'))
    .option('--config <file>', "failover config to drill instead of the scenario's own")
    .addOption(subjectOption())
    .addOption(subjectConfigOption())
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
    .addHelpText('after', RUN_HELP)
    .action(async (files: string[], options: RunOptions) => {
      const { runScenarios } = await import('./run-action.js');
      await runScenarios(files, options);
    });
}

const RUN_HELP = `
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
  $ failover-drill run scenarios/black-friday.yaml --otlp http://127.0.0.1:4318 --trace-sample 10%
  $ failover-drill run scenarios/black-friday.yaml --subject portkey --subject-config portkey.json
  $ failover-drill run scenarios/black-friday.yaml --subject ./my-failover-subject.js
  $ failover-drill run scenarios/conduct/500-once.yaml --seeds 1..100
  $ failover-drill run scenarios/conduct/*.yaml --seeds 100 --shard 2/4 --out shards

Sweeps: --seeds drills each scenario under many seeds and judges each SLO on how often it held
(every seed, unless it says "in 99% of seeds"): sweep.json with each figure's distribution, the
breach rate's 95% interval and the worst seed's replay (docs/sweeps.md). --shard i/n drills one
share of the run for \`failover-drill merge\`.

Subjects: --subject drills any failover code whose network calls go through fetch, in process
and in virtual time (docs/subjects.md): attempts are counted at the providers, breaker and
stream-continuation SLOs are listed as unjudged, and what the subject prints goes to subject.log.`;
