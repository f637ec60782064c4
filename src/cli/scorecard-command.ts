/**
 * @module cli/scorecard-command
 * `failover-drill scorecard <scenario-or-dir...> --subject A --subject B [--config FILE]`: every
 * scenario drilled under every failover implementation, one table of verdicts. Exits 0 when every
 * cell that could be drilled passed, 1 when one failed.
 */
import { Command, Option } from 'commander';
import {
  formatsParser,
  maxDurationOption,
  maxRequestsOption,
  parseSeed,
  workersOption,
} from './options.js';
import type { ColumnFlags } from './columns.js';

const SCORECARD_FORMATS = ['json', 'md', 'html'] as const;
type ScorecardFormat = (typeof SCORECARD_FORMATS)[number];

/** The flags of `scorecard`, as commander parses them. */
export interface ScorecardOptions extends ColumnFlags {
  readonly config: string[];
  readonly subject: string[];
  readonly seed?: number;
  readonly workers: number;
  readonly out: string;
  readonly format: ScorecardFormat[];
}

const repeatable = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The `scorecard` command. */
export function scorecardCommand(): Command {
  return new Command('scorecard')
    .description(
      'Drill every scenario under every failover implementation and score each: PASS, or FAIL with the SLO that broke and its value.',
    )
    .argument('<scenario...>', 'scenario files, or folders of them (scenarios/conduct)')
    .option('--subject <name-or-module>', 'an implementation to score; repeatable', repeatable, [])
    .option(
      '--config <file>',
      'a failover config for our engine to score; repeatable',
      repeatable,
      [],
    )
    .option('--subject-config <file>', 'the config of the one --subject')
    .option('--seed <n>', "seed for every drill (default: each scenario's own)", parseSeed)
    .addOption(workersOption('drills'))
    .option('--out <dir>', 'where scorecard.json, .md and .html go', 'reports/scorecard')
    .addOption(
      new Option('--format <list>', 'scorecard files: json, md, html')
        .default(['json', 'md', 'html'], 'json,md,html')
        .argParser(formatsParser(SCORECARD_FORMATS, 'scorecard')),
    )
    .addOption(maxRequestsOption())
    .addOption(maxDurationOption())
    .addHelpText(
      'after',
      `
Exit codes: 0 every cell passed (or could not be drilled), 1 a cell failed, 2 bad input, 3 the
harness failed.

Example: the conduct suite for six implementations, two drills at a time:
  $ failover-drill scorecard scenarios/conduct --subject engine --subject portkey \\
      --subject openai-sdk --subject sdk-fallback-chain --subject ai-sdk --subject langchain \\
      --workers 2

A cell is PASS when every SLO the drill could judge held, FAIL with the first SLO that broke
and its measured value otherwise. SLOs on breakers and stream continuation are inside a
subject, out of sight of the providers: they are counted as unjudged, never as passed. n/a: the
subject refused the scenario (openai-sdk on a group that starts on the Anthropic wire). Each
cell's replay command is in scorecard.json.`,
    )
    .action(async (files: string[], options: ScorecardOptions) => {
      const { runScorecard } = await import('./scorecard-action.js');
      await runScorecard(files, options);
    });
}
