/**
 * @module cli/compare-command
 * `failover-drill compare <scenario...> --config A --config B`: the same scenarios and seeds
 * under each config, one side-by-side table. Exits 0 when every SLO held under every config,
 * 1 when one broke.
 */
import { Command, Option } from 'commander';
import {
  maxDurationOption,
  maxRequestsOption,
  formatsParser,
  parseSeed,
  seedsOption,
  shardOption,
  workersOption,
  type DrillLimitFlags,
  type SeedsFlag,
  type ShardFlag,
} from './options.js';

const COMPARE_FORMATS = ['json', 'md', 'html'] as const;
type CompareFormat = (typeof COMPARE_FORMATS)[number];

const parseCompareFormats = formatsParser(COMPARE_FORMATS, 'compare');

/** The flags of `compare`, as commander parses them. */
export interface CompareOptions extends DrillLimitFlags {
  readonly config: string[];
  readonly subject: string[];
  readonly subjectConfig?: string;
  readonly seed?: number;
  readonly seeds?: SeedsFlag;
  readonly shard?: ShardFlag;
  readonly workers: number;
  readonly out: string;
  readonly format: CompareFormat[];
}

/** The `compare` command. */
export function compareCommand(): Command {
  return new Command('compare')
    .description(
      'Run the same scenarios and seeds under two or more failover configs or subjects and compare them side by side.',
    )
    .argument('<scenario...>', 'scenario files (YAML or JSON)')
    .option(
      '--config <file>',
      'a failover config for our engine; repeatable, the current one first',
      (value: string, previous: string[] = []) => [...previous, value],
      [],
    )
    .option(
      '--subject <name-or-module>',
      'a failover implementation drilled in virtual time (engine, openai-sdk, sdk-fallback-chain, portkey, ai-sdk, langchain, or a module); repeatable, after the configs',
      (value: string, previous: string[] = []) => [...previous, value],
      [],
    )
    .option('--subject-config <file>', 'the config of the one --subject (a Portkey config, say)')
    .option('--seed <n>', "seed for every drill (default: each scenario's own)", parseSeed)
    .addOption(seedsOption())
    .addOption(workersOption('drills'))
    .addOption(shardOption('columns × scenarios × seeds'))
    .option(
      '--out <dir>',
      'where compare.json, compare.md and compare.html go (with --shard, the shard file)',
      'reports/compare',
    )
    .addOption(
      new Option('--format <list>', 'comparison files: json, md, html')
        .default(['json', 'md'], 'json,md')
        .argParser(parseCompareFormats),
    )
    .addOption(maxRequestsOption())
    .addOption(maxDurationOption())
    .addHelpText(
      'after',
      `
Exit codes: 0 every SLO held under every config, 1 an SLO was breached, 2 bad input, 3 the
harness failed.

Example:
  $ failover-drill compare scenarios/black-friday.yaml scenarios/rate-limit-storm.yaml \\
      --config configs/current.yaml --config configs/candidate.yaml
  $ failover-drill compare scenarios/black-friday.yaml --subject engine --subject portkey \\
      --subject openai-sdk --subject sdk-fallback-chain
  $ failover-drill compare scenarios/conduct/500-once.yaml --config a.yaml --config b.yaml \\
      --seeds 1..100

With --seeds, each column drills each scenario under every seed, and the table compares the
sweeps: each figure's mean with its worst seed, and the SLOs each held in its share of seeds.
--shard i/n drills one share of the units; merge writes the comparison (docs/sweeps.md).

Columns: each --config (our engine under it), then each --subject, in the order given; at least
two in all.`,
    )
    .action(async (files: string[], options: CompareOptions) => {
      const { compareConfigs } = await import('./compare-action.js');
      await compareConfigs(files, options);
    });
}
