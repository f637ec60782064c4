/**
 * @module cli/gateway-command
 * `failover-drill gateway <scenario> --providers <url>`: the failover engine, with the
 * scenario's config, as a small OpenAI-compatible gateway on loopback, so `drill` can drill it
 * exactly as it drills any other gateway.
 */
import { Command } from 'commander';
import { parsePort, parseSpeed } from './options.js';

/** The flags of `gateway`, as commander parses them. */
export interface GatewayCommandOptions {
  readonly providers: string;
  readonly config?: string;
  readonly port: number;
  readonly host: string;
  readonly speed: number;
  readonly allowRemote?: boolean;
}

/** The `gateway` command. */
export function gatewayCommand(): Command {
  return new Command('gateway')
    .description(
      "Run the failover engine, with the scenario's config, as an OpenAI-compatible gateway on loopback, for drill to drill.",
    )
    .argument('<scenario>', 'scenario file (YAML or JSON): its failover config and providers')
    .requiredOption(
      '--providers <url>',
      'where the providers are served, each at <url>/<provider>/v1, e.g. http://127.0.0.1:8788',
    )
    .option('--config <file>', "failover config to run instead of the scenario's own")
    .option('--port <port>', 'port to listen on (0: any free port)', parsePort, 8787)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option(
      '--speed <factor>',
      "run the engine's timeouts, backoffs and breaker periods this many times faster (match drill --speed)",
      parseSpeed,
      1,
    )
    .option('--allow-remote', 'allow listening on an address other than loopback')
    .addHelpText(
      'after',
      `
Serves POST /v1/chat/completions; "model" names a model group of the config. Once listening
it prints one JSON line, {"ready":true,"baseUrl":"http://127.0.0.1:8787/v1"}. Ctrl-C or
SIGTERM stops it.

Example, with the providers served by drill itself:
  $ failover-drill gateway scenarios/live/primary-outage.yaml --providers http://127.0.0.1:8788 --speed 20 &
  $ failover-drill drill scenarios/live/primary-outage.yaml --target http://127.0.0.1:8787/v1 --providers-port 8788 --speed 20`,
    )
    .action(async (file: string, options: GatewayCommandOptions) => {
      const { runGateway } = await import('./gateway-action.js');
      await runGateway(file, options);
    });
}
