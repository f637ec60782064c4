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
import type { ChatMessage, RequestOutcome } from '../engine/types.js';
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

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function readMessages(value: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const messages: ChatMessage[] = [];
  for (const m of value as unknown[]) {
    if (typeof m !== 'object' || m === null) return undefined;
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (role !== 'system' && role !== 'user' && role !== 'assistant') return undefined;
    if (typeof content !== 'string') return undefined;
    messages.push({ role, content });
  }
  return messages;
}

function errorStatus(outcome: Extract<RequestOutcome, { ok: false }>): number {
  if (outcome.refusal !== undefined || outcome.reason === 'no-target') return outcome.status ?? 400;
  if (outcome.reason === 'timeout' || outcome.reason === 'aborted') return 504;
  if (outcome.reason === 'over-budget') return 429;
  return outcome.status !== undefined && outcome.status >= 500 ? outcome.status : 502;
}

/** One chat completion: read the request, let the engine serve it, answer on the OpenAI wire. */
async function answerChat(
  client: FailoverClient,
  limits: HttpLimits,
  nextId: () => string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = requestUrl(req, 'http://gateway')?.pathname;
  if (req.method !== 'POST' || path?.endsWith('/chat/completions') !== true) {
    sendJson(res, 404, {
      error: { message: 'only POST /v1/chat/completions is served', type: 'not_found' },
    });
    return;
  }
  const read = await readBodyLimited(req, limits.maxBodyBytes);
  if (!read.ok) {
    refuseTooLarge(res, read.limit, (message) => ({
      error: { message, type: 'invalid_request_error' },
    }));
    return;
  }
  const body = parseJson(read.body) as Record<string, unknown> | undefined;
  const messages = readMessages(body?.messages);
  const group = body?.model;
  if (body === undefined || typeof group !== 'string' || messages === undefined) {
    sendJson(res, 400, {
      error: {
        message: 'expected a JSON body with model (a model group) and messages',
        type: 'invalid_request_error',
      },
    });
    return;
  }
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  const stream = body.stream === true;
  const id = nextId();
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  const outcome = await client.complete(
    { id, group, messages, maxTokens: typeof maxTokens === 'number' ? maxTokens : 1024, stream },
    controller.signal,
  );
  if (res.destroyed) return;
  if (!outcome.ok) {
    sendJson(res, errorStatus(outcome), {
      error: {
        message: outcome.message,
        type: outcome.refusal === undefined ? 'gateway_error' : 'invalid_request_error',
        code: outcome.code ?? outcome.reason,
      },
    });
    return;
  }
  writeAnswer(res, id, outcome, stream);
}

/** A served answer on the OpenAI wire, as one JSON body or as a stream. */
function writeAnswer(
  res: ServerResponse,
  id: string,
  outcome: Extract<RequestOutcome, { ok: true }>,
  stream: boolean,
): void {
  const usage = {
    prompt_tokens: outcome.usage.inputTokens,
    completion_tokens: outcome.usage.outputTokens,
    total_tokens: outcome.usage.inputTokens + outcome.usage.outputTokens,
  };
  const base = { id: `chatcmpl-${id}`, created: 0, model: outcome.responseModel };
  if (!stream) {
    sendJson(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: outcome.text }, finish_reason: 'stop' },
      ],
      usage,
    });
    return;
  }
  // The engine hands over whole answers, so the stream carries it in one content chunk.
  const chunk = (choices: unknown[], extra: object = {}): string =>
    `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(
    chunk([{ index: 0, delta: { role: 'assistant', content: outcome.text }, finish_reason: null }]),
  );
  res.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
  res.write(chunk([], { usage }));
  res.end('data: [DONE]\n\n');
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
  let served = 0;
  const limits: HttpLimits = { ...HTTP_LIMITS, ...options.limits };
  const nextId = (): string => `gw-${++served}`;
  const server = createLimitedServer((req, res) => {
    answerChat(client, limits, nextId, req, res).catch((error: unknown) => {
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
