/**
 * @module cli/validate-command
 * `failover-drill validate <file...>`: checks scenario files (and the configs they use) without
 * running anything. Exit 0 when all are valid, 2 when any is not.
 */
import { Command } from 'commander';
import { maxDurationOption, maxRequestsOption, type DrillLimitFlags } from './options.js';

/** The `validate` command. */
export function validateCommand(): Command {
  return new Command('validate')
    .description(
      'Check scenario files against the schema and for names used but not defined; runs nothing.',
    )
    .argument('<file...>', 'scenario files (YAML or JSON)')
    .option('--config <file>', 'also check this failover config against each scenario')
    .addOption(maxRequestsOption())
    .addOption(maxDurationOption())
    .addHelpText(
      'after',
      '\nExit codes: 0 all valid, 2 a file has problems (each printed as file:line:col key: message).',
    )
    .action(async (files: string[], options: { config?: string } & DrillLimitFlags) => {
      const { validateFiles } = await import('./validate-action.js');
      validateFiles(files, options);
    });
}
