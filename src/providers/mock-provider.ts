/**
 * @module providers/mock-provider
 * A mock provider as msw request handlers: the provider model plans each response, the wire's
 * renderer writes it, and the clock paces it (headers, first token, tokens per second, stalls).
 * The same handlers answer in process through msw's `getResponse`, under `setupServer`, and
 * over real HTTP in live mode: only the clock differs.
 */
import { http, type RequestHandler } from 'msw';
import { sleep, type Clock } from '../engine/clock.js';
import { anthropicRenderer } from './anthropic-renderer.js';
import { attemptSignal } from './attempt-signal.js';
import { networkError } from './network-error.js';
import { openAiRenderer } from './openai-renderer.js';
import type { ProviderModel } from './provider-model.js';
import type { BillingRecord, ResponsePlan } from './response-plan.js';
import { streamAnswer, type StreamWriter } from './stream-writer.js';
import {
  contentText,
  countTokens,
  wantedTokens,
  type AnswerIds,
  type WireRenderer,
} from './wire-renderer.js';

/** Options of {@link createMockProvider}. */
export interface MockProviderOptions {
  readonly model: ProviderModel;
  readonly clock: Clock;
  /** Base URL up to the version segment, e.g. `https://primary.failover-drill.test/v1`. */
  readonly baseUrl: string;
  /** Told what every attempt consumed, once it ends. */
  readonly onBill?: (record: BillingRecord) => void;
}

const RENDERERS: Readonly<Record<'openai' | 'anthropic', WireRenderer>> = {
  openai: openAiRenderer,
  anthropic: anthropicRenderer,
};

/**
 * A JSON response with the headers a provider sends. Built by hand: msw's HttpResponse.json
 * measures the body through a Blob, which costs more than the rest of the response.
 */
function jsonResponse(status: number, body: unknown, headers: Record<string, string>): Response {
  const text = JSON.stringify(body);
  return new Response(text, {
    status,
    headers: {
      ...headers,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
    },
  });
}

/** What answering one request needs of its mock provider. */
interface ProviderState extends StreamWriter {
  readonly model: ProviderModel;
  /** The provider's next request id, `req_<provider>_<n>`. */
  readonly nextRequestId: () => string;
}

/** Builds the msw handlers of one mock provider. */
export function createMockProvider(options: MockProviderOptions): RequestHandler[] {
  const { model, clock, baseUrl, onBill } = options;
  const renderer = RENDERERS[model.spec.wire];
  let answers = 0;
  const bill = (
    attemptId: string | undefined,
    modelName: string,
    input: number,
    output: number,
  ): void => {
    if (onBill === undefined || (input === 0 && output === 0)) return;
    onBill({
      attemptId,
      provider: model.name,
      model: modelName,
      inputTokens: input,
      outputTokens: output,
      costUsd: model.cost(modelName, input, output),
    });
  };
  const state: ProviderState = {
    model,
    renderer,
    clock,
    bill,
    nextRequestId: () => `req_${model.name}_${++answers}`,
  };
  const chat = http.post(`${baseUrl}${renderer.chatPath}`, ({ request }) =>
    answerChat(state, request),
  );
  const models = http.get(`${baseUrl}/models`, () =>
    jsonResponse(
      200,
      renderer.models(Object.keys(model.spec.models), Math.floor(clock.now() / 1_000)),
      clockHeaders(renderer, clock, clock.now()),
    ),
  );
  return [chat, models];
}

/** The request part of an attempt id, `req-7#2` → `req-7`. */
function requestIdOf(attemptId: string): string {
  const hash = attemptId.lastIndexOf('#');
  return hash === -1 ? attemptId : attemptId.slice(0, hash);
}

/** The retries before this attempt, as the official SDKs count them; undefined if unsaid. */
function retryCountOf(headers: Headers): number | undefined {
  const text = headers.get('x-stainless-retry-count');
  if (text === null) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** The last HTTP date written, and the second it is for: many responses share a second. */
let lastDate = { second: Number.NaN, text: '' };

/** `date` for `ms`, as HTTP writes it (to the second). */
function httpDate(ms: number): string {
  const second = Math.floor(ms / 1_000);
  if (second !== lastDate.second) lastDate = { second, text: new Date(ms).toUTCString() };
  return lastDate.text;
}

/**
 * The headers every response carries from the provider's clock: `date`, so that `created`, the
 * rate-limit resets and the date agree (drill time in a simulation, and the served drill's clock
 * live), and how long the provider took where the API says it (`openai-processing-ms`).
 */
function clockHeaders(
  renderer: WireRenderer,
  clock: Clock,
  arrivedAt: number,
): Record<string, string> {
  const now = clock.now();
  const headers: Record<string, string> = { date: httpDate(now) };
  if (renderer.processingHeader !== undefined)
    headers[renderer.processingHeader] = String(Math.max(0, Math.round(now - arrivedAt)));
  return headers;
}

/** One chat request: read it, let the provider model plan the response, write the plan. */
async function answerChat(p: ProviderState, request: Request): Promise<Response> {
  const { model, clock, renderer } = p;
  const now = clock.now();
  const signal = attemptSignal(request);
  const raw: unknown = await request.json().catch(() => undefined);
  const attemptId = request.headers.get('x-client-request-id') ?? undefined;
  const parsed = renderer.readRequest(raw);
  if (typeof parsed === 'string') {
    const { status, body } = renderer.error('invalid-request', 400, parsed);
    return jsonResponse(status, body, clockHeaders(renderer, clock, now));
  }
  const plan = model.plan(now, {
    model: parsed.model,
    inputTokens: countTokens(parsed.texts),
    maxTokens: parsed.maxTokens,
    wantedTokens: wantedTokens(parsed.lastUser),
    stream: parsed.stream,
    prefillChars: parsed.prefill?.length ?? 0,
    json: parsed.json,
    // Read off the request only where a fault is aimed at attempts or requests.
    requestId: model.aimed && attemptId !== undefined ? requestIdOf(attemptId) : undefined,
    retryCount: model.aimed ? retryCountOf(request.headers) : undefined,
  });
  const requestId = p.nextRequestId();
  switch (plan.kind) {
    case 'network':
      await sleep(clock, plan.afterMs, signal);
      return networkError(plan.code);
    case 'hang':
      await sleep(clock, Number.POSITIVE_INFINITY, signal);
      return networkError('ECONNRESET');
    case 'error': {
      await sleep(clock, plan.afterMs, signal);
      const { status, body } = renderer.error(plan.error, plan.status, '');
      return jsonResponse(status, body, {
        ...renderer.limitHeaders(plan.rateLimit, plan.retryAfterMs, clock.now()),
        [renderer.requestIdHeader]: requestId,
        ...clockHeaders(renderer, clock, now),
      });
    }
    case 'answer': {
      const ids: AnswerIds = {
        id: model.spec.wire === 'openai' ? `chatcmpl-${requestId}` : `msg_${requestId}`,
        created: Math.floor(now / 1_000),
        model: plan.answeredAs,
        includeUsage: parsed.includeUsage,
      };
      const headers = {
        ...renderer.limitHeaders(plan.rateLimit, undefined, now),
        [renderer.requestIdHeader]: requestId,
      };
      await sleep(clock, plan.headersMs, signal);
      if (parsed.stream)
        return streamAnswer(p, plan, ids, attemptId, {
          ...headers,
          ...clockHeaders(renderer, clock, now),
        });
      return wholeAnswer(p, plan, ids, {
        attemptId,
        headers,
        signal,
        arrivedAt: now,
      });
    }
  }
}

/**
 * The planned answer as one JSON body, sent when the last token would have been: a cut drops
 * the connection there, a stall delays it, a malformed fault sends a broken body.
 */
async function wholeAnswer(
  p: ProviderState,
  plan: Extract<ResponsePlan, { kind: 'answer' }>,
  ids: AnswerIds,
  sent: {
    readonly attemptId: string | undefined;
    readonly headers: Record<string, string>;
    readonly signal: AbortSignal;
    readonly arrivedAt: number;
  },
): Promise<Response> {
  const { clock, renderer, bill } = p;
  const { attemptId, signal } = sent;
  const fault = plan.streamFault;
  const cutAt =
    fault === undefined || fault.kind === 'no-done'
      ? plan.outputTokens
      : Math.min(plan.outputTokens, fault.afterTokens);
  await sleep(clock, plan.firstTokenDelayMs + cutAt * plan.msPerToken, signal);
  if (fault?.kind === 'cut') {
    if (fault.afterMs !== undefined) await sleep(clock, fault.afterMs, signal);
    bill(attemptId, plan.model, plan.inputTokens, cutAt);
    return networkError('ECONNRESET');
  }
  if (fault?.kind === 'stall') {
    await sleep(clock, fault.stallMs, signal);
    await sleep(clock, (plan.outputTokens - cutAt) * plan.msPerToken, signal);
  }
  bill(attemptId, plan.model, plan.inputTokens, plan.outputTokens);
  const headers = { ...sent.headers, ...clockHeaders(renderer, clock, sent.arrivedAt) };
  if (fault?.kind === 'malformed') {
    return new Response('{"id":"' + ids.id + '","choices":[{"message":{"content":"tru', {
      status: 200,
      headers: { ...headers, 'content-type': 'application/json' },
    });
  }
  const content = plan.content;
  const body = renderer.json(
    ids,
    contentText(plan),
    plan.inputTokens,
    plan.outputTokens,
    plan.finishReason,
    content.kind === 'refusal' && content.field,
  );
  return jsonResponse(200, body, headers);
}
