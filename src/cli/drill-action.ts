/**
 * @module cli/drill-action
 * What `drill` does: checks the gateway answers, drills it live through the served providers,
 * writes the reports and sets the exit code. Loaded only when `drill` runs.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { HarnessError, InputError } from '../errors.js';
import { liveDrill, publicTarget } from '../live/drill.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { loopbackUrl, telemetryOptions, type Format, type TelemetryFlags } from './options.js';
import { createProgress } from './progress.js';
import { shellWord } from './replay.js';
import { ensureWritableDir, writeDrillReports } from './report-files.js';
import { EXIT } from './exit-codes.js';
import { listenInputError } from './listen-errors.js';

/** The flags of `drill`, as commander parses them. */
export interface DrillCommandOptions extends TelemetryFlags {
  readonly target: string;
  readonly seed?: number;
  readonly out?: string;
  readonly format: Format[];
  readonly speed: number;
  readonly providersPort: number;
  readonly maxRequests: number;
  readonly maxDuration: number;
  readonly requestTimeout: number;
  readonly connections: number;
  readonly header: string[];
  readonly apiKeyEnv?: string;
  readonly allowRemote?: boolean;
}

/** A header to send, and how the replay command shows it. */
interface HeaderFlag {
  readonly name: string;
  readonly value: string;
  /** `name: @file` as given, or `name: <value>`: an inline value may be a secret. */
  readonly replay: string;
}

/** `--header "name: value"`; a value `@file` is read from the file (JSON is sent minified). */
export function parseHeader(text: string): HeaderFlag {
  const colon = text.indexOf(':');
  const name = colon === -1 ? '' : text.slice(0, colon).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
    throw InputError.of('--header', `"${text}" is not "name: value"`);
  let value = text.slice(colon + 1).trim();
  const fromFile = value.startsWith('@');
  const replay = `${name}: ${fromFile ? value : '<value>'}`;
  if (fromFile) {
    const file = value.slice(1);
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (error) {
      throw InputError.of(
        file,
        `cannot read the value of header ${name}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    try {
      value = JSON.stringify(JSON.parse(content));
    } catch {
      value = content.trim();
    }
  }
  if (/[\r\n]/.test(value))
    throw InputError.of('--header', `the value of ${name} spans several lines`);
  return { name: name.toLowerCase(), value, replay };
}

/** Resolves once something accepts connections at the URL's host and port. */
async function reachable(url: URL, timeoutMs: number): Promise<string | undefined> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timed out');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** The environment variable's value, which must be set when the flag names one. */
function apiKeyFrom(variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const apiKey = process.env[variable];
  if (apiKey === undefined || apiKey === '')
    throw InputError.of('--api-key-env', `the environment variable ${variable} is not set`);
  return apiKey;
}

/** Runs `drill <scenario>`: checks the target answers, drills it live, writes the reports. */
export async function runDrill(file: string, options: DrillCommandOptions): Promise<void> {
  const target = loopbackUrl(
    '--target',
    options.target,
    options.allowRemote,
    'send drill traffic to a gateway beyond this machine',
    'http://127.0.0.1:8787/v1',
  );
  const headerFlags = options.header.map(parseHeader);
  const headers = Object.fromEntries(headerFlags.map((h) => [h.name, h.value]));
  const apiKey = apiKeyFrom(options.apiKeyEnv);
  // A live drill is cut by its own --max-requests and --max-duration; it must still send one.
  const scenario = loadScenario(file, {
    limits: { maxRequests: Number.POSITIVE_INFINITY, maxDurationMs: Number.POSITIVE_INFINITY },
  });
  const refused = await reachable(target, 3_000);
  if (refused !== undefined)
    throw InputError.of(
      '--target',
      `nothing answers at ${publicTarget(options.target)} (${refused}); start the gateway first`,
    );
  const dir = options.out ?? join('reports', scenario.name);
  ensureWritableDir(dir);
  const seed = options.seed ?? scenario.seed;
  const replay = [
    'npx failover-drill drill',
    shellWord(scenario.file),
    '--target',
    shellWord(publicTarget(options.target)),
    '--seed',
    String(seed),
    '--speed',
    String(options.speed),
    ...(options.providersPort === 0 ? [] : ['--providers-port', String(options.providersPort)]),
    ...headerFlags.flatMap((h) => ['--header', shellWord(h.replay)]),
  ].join(' ');
  const telemetry = telemetryOptions(options, dir);
  const progress = createProgress(`${scenario.name} (live)`);
  let report;
  try {
    report = await liveDrill(scenario, {
      target: options.target,
      speed: options.speed,
      providersPort: options.providersPort,
      maxRequests: options.maxRequests,
      maxWallMs: options.maxDuration,
      requestTimeoutMs: options.requestTimeout,
      connections: options.connections,
      headers,
      ...(apiKey === undefined ? {} : { apiKey }),
      seed,
      replay,
      ...(telemetry === undefined ? {} : { telemetry }),
      onServing: (providers) => {
        process.stderr.write(
          `providers: ${Object.entries(providers)
            .map(([name, p]) => `${name} ${p.baseUrl} (${p.wire})`)
            .join(', ')}\n`,
        );
      },
      onProgress: (d) => progress.update(d),
      onExportFailures: (messages) => {
        for (const m of new Set(messages))
          process.stderr.write(`failover-drill: telemetry export failed: ${m}\n`);
      },
    });
  } catch (error) {
    const input = listenInputError(error, {
      portFlag: '--providers-port',
      port: options.providersPort,
    });
    if (input !== undefined) throw input;
    throw new HarnessError(
      `the live drill of ${scenario.name} failed (seed ${seed}); replay: ${replay}`,
      {
        cause: error,
      },
    );
  } finally {
    progress.stop();
  }
  writeDrillReports(report, dir, options.format, true);
  if (!report.pass) process.stdout.write(`replay: ${replay}\n`);
  process.exitCode = report.pass ? EXIT.ok : EXIT.breached;
}
