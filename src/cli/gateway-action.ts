/**
 * @module cli/gateway-action
 * What `gateway` does: serves the failover engine as an OpenAI-compatible gateway until stopped.
 * Loaded only when `gateway` runs.
 */
import type { GatewayCommandOptions } from './gateway-command.js';
import { engineGateway } from '../live/engine-gateway.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { checkLoopback, loopbackUrl } from './options.js';
import { untilStopped } from '../live/until-stopped.js';
import { EXIT } from './exit-codes.js';
import { listenInputError } from './listen-errors.js';

/** Runs `gateway <scenario>`: listens, prints where, serves until stopped. */
export async function runGateway(file: string, options: GatewayCommandOptions): Promise<void> {
  checkLoopback(
    '--host',
    options.host,
    options.allowRemote,
    'serve the gateway beyond this machine',
  );
  loopbackUrl(
    '--providers',
    options.providers,
    options.allowRemote,
    'reach providers beyond this machine',
    'http://127.0.0.1:8788',
  );
  // A gateway sends no traffic of its own: the drill-size checks do not apply.
  const scenario = loadScenario(file, {
    limits: 'none',
    ...(options.config === undefined ? {} : { configFile: options.config }),
  });
  const host = options.host === 'localhost' ? '127.0.0.1' : options.host;
  const gateway = await engineGateway(scenario, {
    providers: options.providers,
    port: options.port,
    host,
    speed: options.speed,
  }).catch((error: unknown) => {
    throw listenInputError(error, { portFlag: '--port', port: options.port, host }) ?? error;
  });
  process.stdout.write(`${JSON.stringify({ ready: true, baseUrl: gateway.baseUrl })}\n`);
  await untilStopped(() => gateway.close());
  process.exitCode = EXIT.ok;
}
