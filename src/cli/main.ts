/**
 * @module cli/main
 * The `failover-drill` command. Exit codes (contract): 0 every SLO held, 1 an SLO was
 * breached, 2 bad input (scenario, config, flags), 3 the harness itself failed.
 */
import { Command, CommanderError } from 'commander';
import { HarnessError, InputError, WriteError } from '../errors.js';
import { runCommand } from './run-command.js';
import { compareCommand } from './compare-command.js';
import { scorecardCommand } from './scorecard-command.js';
import { mergeCommand } from './merge-command.js';
import { checkCommand } from './check-command.js';
import { serveCommand } from './serve-command.js';
import { drillCommand } from './drill-command.js';
import { gatewayCommand } from './gateway-command.js';
import { validateCommand } from './validate-command.js';
import { VERSION } from '../version.js';
import { removePartialFiles } from '../partial-files.js';
import { EXIT } from './exit-codes.js';

/** Commands that run until stopped and handle their own signals. */
const SERVING = new Set(['serve', 'gateway']);

/**
 * A drill stopped by Ctrl-C or SIGTERM removes its unfinished files and exits as the shell
 * expects of a signal (128 + its number), so nothing half-written stays behind.
 */
function stopCleanlyOnSignals(): () => void {
  const stop = (signal: 'SIGINT' | 'SIGTERM'): void => {
    const removed = removePartialFiles();
    process.stderr.write(
      `failover-drill: stopped by ${signal}${removed.length > 0 ? `; removed ${removed.length} unfinished file(s)` : ''}; no report of the unfinished drill was written\n`,
    );
    process.exit(signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  return () => {
    process.off('SIGINT', stop).off('SIGTERM', stop);
  };
}

/** Builds the program; exported for tests. */
export function createProgram(): Command {
  const program = new Command('failover-drill')
    .description(
      'Chaos drills for LLM API failover: simulate provider outages against your failover config, in virtual time, and report availability, latency and cost.',
    )
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: 0 every SLO held, 1 an SLO was breached, 2 bad input, 3 the harness failed\n(130 or 143 when stopped by Ctrl-C or SIGTERM, with no file half-written).\n\nStart with:\n  $ failover-drill run scenarios/black-friday.yaml',
    );
  for (const command of [
    runCommand(),
    validateCommand(),
    checkCommand(),
    compareCommand(),
    scorecardCommand(),
    mergeCommand(),
    serveCommand(),
    drillCommand(),
    gatewayCommand(),
  ]) {
    program.addCommand(command.exitOverride().showHelpAfterError('(add --help for usage)'));
  }
  return program;
}

/** Runs the CLI and returns its exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  process.exitCode = undefined;
  let releaseSignals = (): void => undefined;
  const program = createProgram().hook('preAction', (_program, action) => {
    if (!SERVING.has(action.name())) releaseSignals = stopCleanlyOnSignals();
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    // Drills still running in other threads when the run stopped leave no unfinished file.
    removePartialFiles();
    if (error instanceof CommanderError) {
      // Commander has printed its message; help and version are not errors.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    if (error instanceof InputError) {
      for (const line of error.lines()) process.stderr.write(`${line}\n`);
      return EXIT.badInput;
    }
    const cause = error instanceof HarnessError && error.cause !== undefined ? error.cause : error;
    if (cause instanceof WriteError) {
      // The machine's doing, not a defect: which file, why, and no stack.
      process.stderr.write(`failover-drill: ${cause.message}; no file was left half-written\n`);
      return EXIT.harness;
    }
    process.stderr.write(
      `failover-drill: the harness failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    if (cause instanceof Error && cause.stack !== undefined)
      process.stderr.write(`${cause.stack}\n`);
    process.stderr.write(
      'This is a defect of failover-drill, not of the scenario: please report it with the replay command.\n',
    );
    return EXIT.harness;
  } finally {
    releaseSignals();
  }
}
