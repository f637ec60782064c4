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
  type DrillLimitFlags,
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
    .option('--out <dir>', 'where compare.json, compare.md and compare.html go', 'reports/compare')
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
  $ failover-drill compare scenarios/black-friday.yaml --subject engine --subject portkey \
      --subject openai-sdk --subject sdk-fallback-chain

Columns: each --config (our engine under it), then each --subject, in the order given; at least
two in all.`,
    )
    .action(async (files: string[], options: CompareOptions) => {
      const { compareConfigs } = await import('./compare-action.js');
      await compareConfigs(files, options);
    });
}
