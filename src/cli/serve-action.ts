/**
 * @module cli/serve-action
 * What `serve` does: the scenario's mock providers over real HTTP until stopped. Loaded only when
 * `serve` runs.
 */
import type { ServeCommandOptions } from './serve-command.js';
import { serve } from '../live/serve.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { checkLoopback } from './options.js';
import { untilStopped } from '../live/until-stopped.js';
import { EXIT } from './exit-codes.js';
import { listenInputError } from './listen-errors.js';

/** Runs `serve <scenario>`: listens, prints where as JSON, serves until stopped. */
export async function runServe(file: string, options: ServeCommandOptions): Promise<void> {
  checkLoopback(
    '--host',
    options.host,
    options.allowRemote,
    'serve mock providers beyond this machine',
  );
  // Serving sends no traffic: the drill-size checks do not apply.
  const scenario = loadScenario(file, { limits: 'none' });
  const host = options.host === 'localhost' ? '127.0.0.1' : options.host;
  const serving = await serve(scenario, {
    port: options.port,
    host,
    speed: options.speed,
    log: (line) => process.stdout.write(`${line}\n`),
  }).catch((error: unknown) => {
    throw listenInputError(error, { portFlag: '--port', port: options.port, host }) ?? error;
  });
  process.stdout.write(
    `${JSON.stringify({ ready: true, providers: serving.providers, admin: serving.adminUrl })}\n`,
  );
  await untilStopped(() => serving.close());
  process.exitCode = EXIT.ok;
}
