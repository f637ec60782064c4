/**
 * @module cli/serve-command
 * `failover-drill serve <scenario>`: the scenario's mock providers over real HTTP, its fault
 * timeline on the wall clock. Prints one JSON ready line, then one JSON line per request.
 */
import { Command, InvalidArgumentError } from 'commander';
import { InputError } from '../errors.js';
import { serve } from '../live/serve.js';
import { loadScenario } from '../scenario/load-scenario.js';

interface ServeCommandOptions {
  readonly port: number;
  readonly host: string;
  readonly speed: number;
  readonly allowRemote?: boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new InvalidArgumentError('a port from 0 (any free port) to 65535');
  return port;
}

function parseSpeed(value: string): number {
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 10_000)
    throw new InvalidArgumentError('a positive factor up to 10000, e.g. 60 for a minute a second');
  return speed;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/** The `serve` command. */
export function serveCommand(): Command {
  return new Command('serve')
    .description(
      "Serve a scenario's mock providers over real HTTP on loopback, its faults running in real time.",
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--port <port>', 'port to listen on (0: any free port)', parsePort, 0)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--speed <factor>', 'run the fault timeline this many times faster', parseSpeed, 1)
    .option('--allow-remote', 'allow listening on an address other than loopback')
    .addHelpText(
      'after',
      `
Once listening, it prints one JSON line, for scripts to wait for:
  {"ready":true,"providers":{"primary":{"baseUrl":"http://127.0.0.1:PORT/primary/v1","wire":"openai"}},"admin":"…"}
then one JSON line per request (no headers, so no API key, and no body).

Admin endpoint (loopback clients only), at /admin/faults:
  GET     the faults in force, and the drill time now
  POST    add a fault, a scenario fault as JSON; it starts now unless it gives "at"
          curl -X POST http://127.0.0.1:PORT/admin/faults -d '{"kind":"outage","target":"primary","for":"2m"}'
  DELETE  drop the faults added since start

Ctrl-C or SIGTERM shuts it down.`,
    )
    .action(async (file: string, options: ServeCommandOptions) => {
      if (!LOOPBACK_HOSTS.has(options.host) && options.allowRemote !== true)
        throw InputError.of(
          '--host',
          `${options.host} is not loopback; add --allow-remote to serve mock providers beyond this machine`,
        );
      const scenario = loadScenario(file);
      const serving = await serve(scenario, {
        port: options.port,
        host: options.host === 'localhost' ? '127.0.0.1' : options.host,
        speed: options.speed,
        log: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(
        `${JSON.stringify({ ready: true, providers: serving.providers, admin: serving.adminUrl })}\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void serving.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      process.exitCode = 0;
    });
}
