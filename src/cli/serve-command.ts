/**
 * @module cli/serve-command
 * `failover-drill serve <scenario>`: the scenario's mock providers over real HTTP, its fault
 * timeline on the wall clock. Prints one JSON ready line, then one JSON line per request.
 */
import { Command } from 'commander';
import { parsePort, parseSpeed } from './options.js';

/** The flags of `serve`, as commander parses them. */
export interface ServeCommandOptions {
  readonly port: number;
  readonly host: string;
  readonly speed: number;
  readonly allowRemote?: boolean;
}

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

Ctrl-C or SIGTERM shuts it down, and so does its parent process exiting (an npx wrapper
killed without passing the signal on).

Limits: request bodies over 32 MiB get a 413 unread; headers must arrive within 10 s and the
whole request within 60 s; idle keep-alive connections close after 5 s. A request the server
cannot parse gets a 400; the server stays up.`,
    )
    .action(async (file: string, options: ServeCommandOptions) => {
      const { runServe } = await import('./serve-action.js');
      await runServe(file, options);
    });
}
