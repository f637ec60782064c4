/**
 * @module cli/merge-command
 * `failover-drill merge <shard files or folders...> --out DIR`: puts the shards of one
 * `run --shard i/n` or `compare --shard i/n` back together and writes what the unsharded run
 * writes.
 */
import { Command } from 'commander';
import { formatOption, type Format } from './options.js';

/** The flags of `merge`. */
export interface MergeOptions {
  readonly out?: string;
  readonly format: Format[];
}

/** The `merge` command. */
export function mergeCommand(): Command {
  return new Command('merge')
    .description(
      'Merge the shard files of one `run --shard i/n` or `compare --shard i/n` into what the unsharded run writes, and judge its SLOs.',
    )
    .argument('<shard...>', 'shard files (shard-i-of-n.json), or folders holding them')
    .option(
      '--out <dir>',
      'report folder, as for run (default: reports/<scenario name>/; with several scenarios, <dir>/<scenario name>/); for compare, as for compare (default: reports/compare)',
    )
    .addOption(formatOption())
    .addHelpText(
      'after',
      `
Exit codes: 0 every SLO held, 1 an SLO was breached, 2 bad input: shards missing, given twice,
or of different runs (another version, other scenario files or contents, other flags).

Example: a run in three shards, on three machines or CI jobs, then merged:
  $ failover-drill run scenarios/conduct/*.yaml --seeds 100 --shard 1/3 --out shards
  $ failover-drill run scenarios/conduct/*.yaml --seeds 100 --shard 2/3 --out shards
  $ failover-drill run scenarios/conduct/*.yaml --seeds 100 --shard 3/3 --out shards
  $ failover-drill merge shards --out reports/conduct --format json,md,junit

The merged reports are the unsharded run's, byte for byte apart from wall times. Shards write
no traces. Shards of compare merge into compare.json, .md and .html (--format json,md,html).`,
    )
    .action(async (paths: string[], options: MergeOptions) => {
      const { mergeShards } = await import('./merge-action.js');
      mergeShards(paths, options);
    });
}
