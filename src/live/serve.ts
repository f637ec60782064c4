/**
 * @module live/serve
 * The scenario's mock providers over real HTTP: the same msw handlers the simulator answers
 * through, behind a Node HTTP server on loopback, with the fault timeline running on the wall
 * clock (sped up by `speed`). Each provider lives under `/<provider>/v1`. An admin endpoint,
 * loopback only, adds and clears faults while serving.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';
import type { Clock } from '../engine/clock.js';
import { buildTimeline, faultsOf } from '../providers/fault-timeline.js';
import { createMockProvider } from '../providers/mock-provider.js';
import { networkErrorCode } from '../providers/network-error.js';
import { ProviderModel } from '../providers/provider-model.js';
import type { BillingRecord } from '../providers/response-plan.js';
import { wallTimer } from '../engine/runtime/system-clock.js';
import type { Scenario } from '../scenario/load-scenario.js';
import { faultSchema } from '../scenario/schema.js';
import { seededRng } from '../seeded-rng.js';
import {
  answerEnd,
  type AttemptObserver,
  type ServedAttemptEnd,
} from '../simulator/attribution.js';

export type { AttemptObserver };
import {
  createLimitedServer,
  HTTP_LIMITS,
  type HttpLimits,
  readBodyLimited,
  refuseTooLarge,
  requestUrl,
} from './http-limits.js';

/** Options of {@link serve}. */
export interface ServeOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  /** Drill time runs this many times faster than the wall clock. @defaultValue 1 */
  readonly speed: number;
  /** One line per request served. */
  readonly log?: (line: string) => void;
  /** Drill time; the wall clock sped up by `speed`, from the scenario's `startsAt`, unless given. */
  readonly clock?: Clock;
  /** Told what every answer cost, as the providers bill it. */
  readonly onBill?: (record: BillingRecord) => void;
  /** Told of every request a provider receives, and of how it ended. */
  readonly observer?: AttemptObserver;
  /** Bounds on what a client may send. @defaultValue {@link HTTP_LIMITS} */
  readonly limits?: Partial<HttpLimits>;
}

/** A running server. */
export interface Serving {
  readonly server: Server;
  /** Per provider: its base URL and wire, as the ready line prints them. */
  readonly providers: Readonly<Record<string, { baseUrl: string; wire: 'openai' | 'anthropic' }>>;
  readonly adminUrl: string;
  close(): Promise<void>;
}

/** The wall clock sped up, with drill time starting at `startsAt`, until it is restarted. */
export interface LiveClock extends Clock {
  /** Drill time starts again at `startsAt`, now. */
  restart(): void;
}

/** The wall clock, sped up: drill time starts at the scenario's `startsAt`. */
export function scaledClock(startsAt: number, speed: number): LiveClock {
  let t0 = Date.now();
  return {
    now: () => startsAt + (Date.now() - t0) * speed,
    setTimer: (ms, fn) => wallTimer(ms / speed, fn),
    restart() {
      t0 = Date.now();
    },
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}

/** What answering a request needs of the server. */
interface Site {
  readonly scenario: Scenario;
  readonly clock: Clock;
  readonly models: ReadonlyMap<string, ProviderModel>;
  readonly handlers: ReadonlyMap<string, RequestHandler[]>;
  readonly providers: Readonly<Record<string, unknown>>;
  readonly limits: HttpLimits;
  readonly origin: string;
  readonly options: ServeOptions;
}

/** Sends a request to the admin endpoint or to its provider, and logs it. */
function route(site: Site, req: IncomingMessage, res: ServerResponse): void {
  const started = Date.now();
  const url = requestUrl(req, site.origin);
  if (url === undefined) {
    sendJson(res, 400, { error: 'the request target is not a valid URL path' });
    return;
  }
  const provider = url.pathname.split('/')[1] ?? '';
  const log = (status: number | string): void =>
    site.options.log?.(
      JSON.stringify({
        at: new Date(started).toISOString(),
        provider,
        method: req.method,
        path: url.pathname,
        status,
        ms: Date.now() - started,
      }),
    );
  const answer =
    provider === 'admin'
      ? answerAdmin(site, req, res)
      : answerProvider(site, provider, url, req, res, log);
  answer.catch(() => {
    if (!res.headersSent) sendJson(res, 500, { error: 'the mock provider failed' });
    else req.socket.destroy();
  });
}

/**
 * The admin endpoint, for loopback clients: GET lists the faults, POST adds one (starting now
 * unless it says when), DELETE clears the added ones.
 */
async function answerAdmin(site: Site, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { clock, scenario, models, limits } = site;
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
    sendJson(res, 403, { error: 'the admin endpoint answers loopback clients only' });
    return;
  }
  if (req.method === 'GET') {
    sendJson(res, 200, {
      now: clock.now() - scenario.startsAt,
      faults: [...models.values()].flatMap((m) => m.faults.map((f) => f.spec)),
    });
    return;
  }
  if (req.method === 'DELETE') {
    for (const m of models.values()) m.clearAddedFaults();
    sendJson(res, 200, { cleared: true });
    return;
  }
  if (req.method !== 'POST') {
    sendJson(res, 405, { error: 'use GET, POST or DELETE' });
    return;
  }
  const read = await readBodyLimited(req, limits.maxAdminBodyBytes);
  if (!read.ok) {
    refuseTooLarge(res, read.limit);
    return;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(read.body.toString('utf8'));
  } catch {
    sendJson(res, 400, { error: 'the body is not JSON' });
    return;
  }
  // A live fault starts now unless it says when (drill time, from the start).
  const now = clock.now() - scenario.startsAt;
  const withStart =
    typeof raw === 'object' && raw !== null && !('at' in raw) ? { ...raw, at: now } : raw;
  const parsed = faultSchema.safeParse(withStart);
  if (!parsed.success) {
    sendJson(res, 400, {
      error: parsed.error.issues.map((i) => `${i.path.join('.') || 'fault'}: ${i.message}`),
    });
    return;
  }
  const [timed] = buildTimeline([parsed.data]);
  const model = timed === undefined ? undefined : models.get(timed.provider);
  if (timed === undefined || model === undefined) {
    sendJson(res, 400, { error: `no provider "${parsed.data.target}" in this scenario` });
    return;
  }
  model.addFault(timed);
  sendJson(res, 201, { added: parsed.data });
}

/** A request to one provider: through its msw handlers, the answer relayed as it comes. */
async function answerProvider(
  site: Site,
  provider: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
  log: (status: number | string) => void,
): Promise<void> {
  const providerHandlers = site.handlers.get(provider);
  if (providerHandlers === undefined) {
    sendJson(res, 404, {
      error: `no provider "${provider}"; serving ${Object.keys(site.providers).join(', ')}`,
    });
    log(404);
    return;
  }
  let body: Buffer | undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const read = await readBodyLimited(req, site.limits.maxBodyBytes);
    if (!read.ok) {
      refuseTooLarge(res, read.limit);
      log(413);
      return;
    }
    body = read.body;
  }
  const attempt = site.options.observer?.({ provider, body });
  // Told as soon as the answer is settled, before the caller can act on it (a retry must
  // not look like an overlapping hedge); a caller that hangs up first timed it out.
  let ended = false;
  const end = (result: ServedAttemptEnd): void => {
    if (ended) return;
    ended = true;
    attempt?.end(result);
  };
  const controller = new AbortController();
  res.on('close', () => {
    controller.abort();
    end({ ok: false, reason: 'timeout' });
  });
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers))
    if (typeof value === 'string') headers.set(key, value);
  if (attempt !== undefined) headers.set('x-client-request-id', attempt.attemptId);
  const request = new Request(url, {
    method: req.method ?? 'GET',
    headers,
    ...(body === undefined ? {} : { body }),
    signal: controller.signal,
  });
  const response = await getResponse(providerHandlers, request);
  if (response === undefined) {
    end({ ok: false, status: 404, reason: 'http-status' });
    sendJson(res, 404, { error: `no such endpoint: ${req.method} ${url.pathname}` });
    log(404);
    return;
  }
  // A network fault: drop the connection, as the real thing would.
  if (response.type === 'error') {
    end({ ok: false, reason: 'network' });
    log(networkErrorCode(response) ?? 'reset');
    req.socket.destroy();
    return;
  }
  res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  log(response.status);
  await relay(response, site.clock, req, res, end);
}

/** Relays an answer's body; a stream cut mid-answer drops the connection. */
async function relay(
  response: Response,
  clock: Clock,
  req: IncomingMessage,
  res: ServerResponse,
  end: (result: ServedAttemptEnd) => void,
): Promise<void> {
  const done = answerEnd(response, clock.now());
  if (response.body === null) {
    end(done);
    res.end();
    return;
  }
  const reader = response.body.getReader();
  // The last write, once the socket has it: a cut waits for it, so the tokens sent before the
  // drop reach the client, as bytes on the wire before a reset do.
  let written = Promise.resolve();
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      written = new Promise((resolve) => res.write(chunk.value, () => resolve()));
    }
    end(done);
    res.end();
  } catch {
    end({ ok: false, status: response.status, reason: 'stream-cut' });
    await written;
    req.socket.destroy();
  }
}

/** Starts serving the scenario's providers; resolves once listening. */
export async function serve(scenario: Scenario, options: ServeOptions): Promise<Serving> {
  const clock = options.clock ?? scaledClock(scenario.startsAt, options.speed);
  const models = new Map<string, ProviderModel>();
  const handlers = new Map<string, RequestHandler[]>();
  // The handler needs the bound port for its URLs, so it is set once listening.
  let handle = (_req: IncomingMessage, res: ServerResponse): void =>
    sendJson(res, 503, { error: 'starting' });
  const limits: HttpLimits = { ...HTTP_LIMITS, ...options.limits };
  const server = createLimitedServer((req, res) => handle(req, res), limits);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const origin = `http://${host}:${port}`;
  const timeline = buildTimeline(scenario.faults);
  const providers: Record<string, { baseUrl: string; wire: 'openai' | 'anthropic' }> = {};
  for (const [name, spec] of Object.entries(scenario.providers)) {
    const baseUrl = `${origin}/${name}/v1`;
    const model = new ProviderModel(
      name,
      spec,
      faultsOf(timeline, name),
      seededRng(scenario.seed, `provider:${name}`),
      scenario.startsAt,
    );
    models.set(name, model);
    handlers.set(
      name,
      createMockProvider({
        model,
        clock,
        baseUrl,
        ...(options.onBill === undefined ? {} : { onBill: options.onBill }),
      }),
    );
    providers[name] = { baseUrl, wire: spec.wire };
  }

  const site: Site = { scenario, clock, models, handlers, providers, limits, origin, options };
  handle = (req, res) => route(site, req, res);

  let closed: Promise<void> | undefined;
  return {
    server,
    providers,
    adminUrl: `${origin}/admin/faults`,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
