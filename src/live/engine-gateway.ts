/**
 * @module live/engine-gateway
 * Our own failover engine as a small OpenAI-compatible gateway: `POST …/v1/chat/completions`
 * with `model` naming a model group, answered through the scenario's failover chain against
 * providers served elsewhere (by `serve` or by a live drill). It makes the engine drillable the
 * same way as any third-party gateway, so the two reports compare like for like.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FailoverConfig } from '../engine/config.js';
import { createFailoverClient, type FailoverClient } from '../engine/runtime/failover-client.js';
import { systemRng } from '../engine/runtime/system-clock.js';
import { chatCompletionsHandler } from '../engine/runtime/chat-completions.js';
import type { Scenario } from '../scenario/load-scenario.js';
import { withScenarioPrices } from '../simulator/simulate.js';
import {
  createLimitedServer,
  HTTP_LIMITS,
  type HttpLimits,
  readBodyLimited,
  refuseTooLarge,
  requestUrl,
} from './http-limits.js';
import { scaledClock } from './serve.js';

/** Options of {@link engineGateway}. */
export interface EngineGatewayOptions {
  /** Where the scenario's providers are served: each at `<providers>/<name>/v1`. */
  readonly providers: string;
  readonly port: number;
  readonly host: string;
  /** The engine's timeouts, backoffs and breaker periods run this many times faster. */
  readonly speed: number;
  /** The failover config; the scenario's own unless given. */
  readonly config?: FailoverConfig;
  /** Bounds on what a client may send. @defaultValue {@link HTTP_LIMITS} */
  readonly limits?: Partial<HttpLimits>;
}

/** A running gateway. */
export interface EngineGateway {
  readonly server: Server;
  /** Its OpenAI-compatible base URL, `http://host:port/v1`. */
  readonly baseUrl: string;
  readonly client: FailoverClient;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * One request: its body read within the limits, then answered by the engine's chat-completions
 * handler, the answer relayed as it comes.
 */
async function answerChat(
  handler: (request: Request) => Promise<Response>,
  limits: HttpLimits,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = requestUrl(req, 'http://gateway');
  let body: Buffer | undefined;
  if (req.method === 'POST') {
    const read = await readBodyLimited(req, limits.maxBodyBytes);
    if (!read.ok) {
      refuseTooLarge(res, read.limit, (message) => ({
        error: { message, type: 'invalid_request_error' },
      }));
      return;
    }
    body = read.body;
  }
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  const response = await handler(
    new Request(url ?? 'http://gateway/', {
      method: req.method ?? 'GET',
      ...(body === undefined ? {} : { body }),
      signal: controller.signal,
    }),
  );
  if (res.destroyed) return;
  res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** Starts the gateway; resolves once listening. */
export async function engineGateway(
  scenario: Scenario,
  options: EngineGatewayOptions,
): Promise<EngineGateway> {
  const origin = options.providers.replace(/\/+$/, '');
  const config = withScenarioPrices(options.config ?? scenario.failover, scenario);
  const client = createFailoverClient(
    {
      ...config,
      providers: Object.fromEntries(
        Object.entries(scenario.providers).map(([name, spec]) => [
          name,
          { wire: spec.wire, baseUrl: `${origin}/${name}/v1` },
        ]),
      ),
    },
    { clock: scaledClock(0, options.speed), rng: systemRng },
  );
  const limits: HttpLimits = { ...HTTP_LIMITS, ...options.limits };
  const handler = chatCompletionsHandler(client);
  const server = createLimitedServer((req, res) => {
    answerChat(handler, limits, req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { error: { message: String(error), type: 'gateway_error' } });
      else res.destroy();
    });
  }, limits);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closed: Promise<void> | undefined;
  return {
    server,
    baseUrl: `http://${host}:${port}/v1`,
    client,
    close: () =>
      (closed ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await client.close();
      })()),
  };
}
