/**
 * @module cli/drill-command
 * `failover-drill drill <scenario> --target <url>`: the scenario's traffic through an external
 * OpenAI-compatible gateway in real time, against the scenario's providers served on loopback;
 * the same reports and SLO gates as `run`.
 */
import { Command, Option } from 'commander';
import type { DrillCommandOptions } from './drill-action.js';
import {
  parseCount,
  parsePort,
  parsePositiveDuration,
  parseSeed,
  parseSpeed,
  formatOption,
  otlpOption,
  recordContentOption,
  traceSampleOption,
  tracesOption,
} from './options.js';

/** The `drill` command. */
export function drillCommand(): Command {
  return new Command('drill')
    .description(
      "Drill a real gateway: serve the scenario's providers on loopback, send its traffic through the gateway in real time, report and judge the SLOs as run does.",
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .requiredOption(
      '--target <url>',
      'the gateway’s OpenAI-compatible base URL, e.g. http://127.0.0.1:8787/v1',
    )
    .option(
      '--providers-port <port>',
      'port to serve the providers on, at http://127.0.0.1:<port>/<provider>/v1 (0: any free port)',
      parsePort,
      0,
    )
    .option(
      '--speed <factor>',
      'run drill time this many times faster than the wall clock',
      parseSpeed,
      1,
    )
    .option('--max-requests <n>', 'send at most this many requests', parseCount, 2_000)
    .addOption(
      new Option('--max-duration <duration>', 'send for at most this long (wall time)')
        .default(10 * 60_000, '10m')
        .argParser(parsePositiveDuration),
    )
    .addOption(
      new Option('--request-timeout <duration>', 'give up on a request after this long (wall time)')
        .default(60_000, '60s')
        .argParser(parsePositiveDuration),
    )
    .option('--connections <n>', 'connections to the gateway in the pool', parseCount, 64)
    .addOption(
      new Option(
        '--header <name: value>',
        'a header for every request, repeatable; "name: @file" sends the file (JSON minified)',
      )
        .default([], 'none')
        .argParser((value: string, previous: string[]) => [...previous, value]),
    )
    .option(
      '--api-key-env <VAR>',
      'send the key in this environment variable as Authorization: Bearer (never written anywhere)',
    )
    .option(
      '--seed <n>',
      "seed for the traffic and the providers (default: the scenario's own)",
      parseSeed,
    )
    .option('--out <dir>', 'report folder (default: reports/<scenario name>/)')
    .addOption(formatOption())
    .addOption(tracesOption())
    .addOption(traceSampleOption())
    .addOption(otlpOption())
    .addOption(recordContentOption())
    .option('--allow-remote', 'allow a --target that is not on this machine')
    .addHelpText('after', DRILL_HELP)
    .action(async (file: string, options: DrillCommandOptions) => {
      const { runDrill } = await import('./drill-action.js');
      await runDrill(file, options);
    });
}

const DRILL_HELP = `
The gateway is a black box. Point its config at the providers this command serves
(fix --providers-port so the config can name them), start it, then drill it:
  $ failover-drill gateway scenarios/live/primary-outage.yaml --providers http://127.0.0.1:8788 --port 8787 --speed 20 &
  $ failover-drill drill scenarios/live/primary-outage.yaml --target http://127.0.0.1:8787/v1 --providers-port 8788 --speed 20
The Portkey AI gateway, started with npx and a fallback config (recipes/portkey/):
  $ npm run drill:portkey -- scenarios/live/primary-outage.yaml --speed 1

Each request names its model group as "model". Its first message starts with a marker,
"[drill:req-N] ", by which the providers tell which request an attempt belongs to: attempts,
retries (the same target again) and failovers (another target) in the report are what the
providers saw. Breaker and stream-continuation SLOs are inside the gateway: they are listed
as not judged.

Time: every figure is drill time. --speed makes the providers' latencies and fault windows
shorter, but a gateway's own timeouts and backoffs still run on the wall clock; drill at
--speed 1 when its timing matters.

Bounds: at most --max-requests requests, sent for at most --max-duration; the scenario is cut
there, and its baseline with it. Requests then have --request-timeout to finish.

Exit codes: 0 every SLO held, 1 an SLO was breached, 2 bad input (or nothing listens at
--target), 3 the harness failed.`;
