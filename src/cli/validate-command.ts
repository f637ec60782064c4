/**
 * @module cli/validate-command
 * `failover-drill validate <file...>`: checks scenario files (and the configs they use) without
 * running anything. Exit 0 when all are valid, 2 when any is not.
 */
import { Command } from 'commander';
import { InputError } from '../errors.js';
import { loadScenario } from '../scenario/load-scenario.js';
import {
  drillLimits,
  maxDurationOption,
  maxRequestsOption,
  type DrillLimitFlags,
} from './options.js';
import { EXIT } from './exit-codes.js';

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
    .action((files: string[], options: { config?: string } & DrillLimitFlags) => {
      let bad = 0;
      for (const file of files) {
        try {
          const scenario = loadScenario(file, {
            limits: drillLimits(options),
            ...(options.config === undefined ? {} : { configFile: options.config }),
          });
          process.stdout.write(
            `ok  ${file}  (${scenario.name}: ${count(Object.keys(scenario.providers).length, 'provider')}, ${count(scenario.faults.length, 'fault')}, ${count(scenario.slos.length, 'SLO')})\n`,
          );
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          bad++;
          for (const line of error.lines()) process.stderr.write(`${line}\n`);
        }
      }
      process.exitCode = bad > 0 ? EXIT.badInput : EXIT.ok;
    });
}

/** `1 fault`, `2 faults`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
