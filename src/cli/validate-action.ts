/**
 * @module cli/validate-action
 * What `validate` does: loads each file through the schema and the name checks, runs nothing.
 * Loaded only when `validate` runs.
 */
import { InputError } from '../errors.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { drillLimits, type DrillLimitFlags } from './options.js';
import { EXIT } from './exit-codes.js';

/** Runs `validate <file...>`: one line per file, every problem of every file. */
export function validateFiles(
  files: string[],
  options: { config?: string } & DrillLimitFlags,
): void {
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
}

/** `1 fault`, `2 faults`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
