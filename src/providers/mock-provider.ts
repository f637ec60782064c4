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
import { networkError } from './network-error.js';
import { openAiRenderer } from './openai-renderer.js';
import type { ProviderModel } from './provider-model.js';
import type { BillingRecord, ResponsePlan } from './response-plan.js';
import {
  answerSlice,
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
 * Content tokens per SSE chunk: at least 16, at most 4 content chunks an answer. Real
 * providers send a chunk every token or few; grouping them keeps an hour of streams cheap to
 * simulate while stream faults still land on the exact token (the chunk is split there).
 */
export function chunkTokens(total: number): number {
  return Math.max(16, Math.ceil(total / 4));
}

/** Marks the point where a stream-cut fault drops the connection. */
const CUT = Symbol('cut');

/** The reason a cancelled stream's waits end with; preallocated, as cancels are frequent. */
const STREAM_CANCELLED = new Error('the client cancelled the stream');

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

/** Builds the msw handlers of one mock provider. */
export function createMockProvider(options: MockProviderOptions): RequestHandler[] {
  const { model, clock, baseUrl, onBill } = options;
  const renderer = RENDERERS[model.spec.wire];
  const encoder = new TextEncoder();
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

  const streamAnswer = (
    plan: Extract<ResponsePlan, { kind: 'answer' }>,
    ids: AnswerIds,
    attemptId: string | undefined,
    headers: Record<string, string>,
  ): Response => {
    const startedAt = clock.now();
    const cancelled = new AbortController();
    const per = chunkTokens(plan.outputTokens);
    let sent = 0;
    let finalFrame: string | undefined;
    let billed = false;
    const settle = (): void => {
      if (billed) return;
      billed = true;
      bill(attemptId, plan.model, plan.inputTokens, sent);
    };

    // The answer as a timed sequence of frames; CUT drops the connection.
    async function* frames(): AsyncGenerator<string | typeof CUT> {
      let shift = 0;
      let fault = plan.streamFault;
      yield renderer.streamHead(ids, plan.inputTokens);
      for (;;) {
        const faultAt =
          fault === undefined || fault.kind === 'no-done'
            ? Number.POSITIVE_INFINITY
            : fault.afterTokens;
        const limit = Math.min(plan.outputTokens, faultAt);
        if (sent < limit) {
          const next = Math.min(limit, sent + per);
          await sleep(
            clock,
            startedAt + shift + plan.firstTokenDelayMs + next * plan.msPerToken - clock.now(),
            cancelled.signal,
          );
          const text = answerSlice(plan.skipChars + sent * 4, plan.skipChars + next * 4);
          sent = next;
          yield renderer.streamDelta(ids, text);
          continue;
        }
        if (fault !== undefined && fault.kind !== 'no-done') {
          if (fault.kind === 'cut') {
            yield CUT;
            return;
          }
          if (fault.kind === 'stall') {
            await sleep(clock, fault.stallMs, cancelled.signal);
            shift += fault.stallMs;
          } else {
            yield renderer.streamMalformed(ids);
          }
          fault = undefined;
          continue;
        }
        break;
      }
      const tail = renderer.streamTail(ids, plan.inputTokens, plan.outputTokens, plan.finishReason);
      if (plan.streamFault?.kind === 'no-done') {
        // The answer is complete but the end marker never comes: the connection stays open.
        yield tail;
        await sleep(clock, Number.POSITIVE_INFINITY, cancelled.signal);
        return;
      }
      finalFrame = tail + renderer.streamDone();
      yield finalFrame;
    }

    const source = frames();
    let open = true;
    const finish = (
      controller: ReadableStreamDefaultController<Uint8Array>,
      error?: Error,
    ): void => {
      if (!open) return;
      open = false;
      settle();
      if (error === undefined) controller.close();
      else controller.error(error);
    };
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let step: IteratorResult<string | typeof CUT>;
        try {
          step = await source.next();
        } catch {
          return; // cancelled while waiting: the consumer is gone
        }
        if (!open) return;
        if (step.done === true) finish(controller);
        else if (step.value === CUT)
          finish(controller, new TypeError('terminated', { cause: { code: 'ECONNRESET' } }));
        else {
          controller.enqueue(encoder.encode(step.value));
          // The last frame closes the stream at once instead of on the next pull.
          if (step.value === finalFrame) finish(controller);
        }
      },
      cancel() {
        open = false;
        cancelled.abort(STREAM_CANCELLED);
        settle();
      },
    });
    return new Response(body, {
      status: 200,
      headers: {
        ...headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
      },
    });
  };

  const chat = http.post(`${baseUrl}${renderer.chatPath}`, async ({ request }) => {
    const now = clock.now();
    const raw: unknown = await request.json().catch(() => undefined);
    const attemptId = request.headers.get('x-client-request-id') ?? undefined;
    const parsed = renderer.readRequest(raw);
    if (typeof parsed === 'string') {
      const { status, body } = renderer.error('invalid-request', 400, parsed);
      return jsonResponse(status, body, {});
    }
    const inputTokens = countTokens(parsed.texts);
    const plan = model.plan(now, {
      model: parsed.model,
      inputTokens,
      maxTokens: parsed.maxTokens,
      wantedTokens: wantedTokens(parsed.lastUser),
      stream: parsed.stream,
      prefillChars: parsed.prefill?.length ?? 0,
    });
    const requestId = `req_${model.name}_${++answers}`;
    switch (plan.kind) {
      case 'network':
        await sleep(clock, plan.afterMs, request.signal);
        return networkError(plan.code);
      case 'hang':
        await sleep(clock, Number.POSITIVE_INFINITY, request.signal);
        return networkError('ECONNRESET');
      case 'error': {
        await sleep(clock, plan.afterMs, request.signal);
        const { status, body } = renderer.error(plan.error, plan.status, '');
        return jsonResponse(status, body, {
          ...renderer.limitHeaders(plan.rateLimit, plan.retryAfterMs, clock.now()),
          [renderer.requestIdHeader]: requestId,
        });
      }
      case 'answer': {
        const ids: AnswerIds = {
          id: model.spec.wire === 'openai' ? `chatcmpl-${requestId}` : `msg_${requestId}`,
          created: Math.floor(now / 1_000),
          model: plan.model,
          includeUsage: parsed.includeUsage,
        };
        const headers = {
          ...renderer.limitHeaders(plan.rateLimit, undefined, now),
          [renderer.requestIdHeader]: requestId,
        };
        await sleep(clock, plan.headersMs, request.signal);
        if (parsed.stream) return streamAnswer(plan, ids, attemptId, headers);
        const fault = plan.streamFault;
        const cutAt =
          fault === undefined || fault.kind === 'no-done'
            ? plan.outputTokens
            : Math.min(plan.outputTokens, fault.afterTokens);
        await sleep(clock, plan.firstTokenDelayMs + cutAt * plan.msPerToken, request.signal);
        if (fault?.kind === 'cut') {
          bill(attemptId, plan.model, plan.inputTokens, cutAt);
          return networkError('ECONNRESET');
        }
        if (fault?.kind === 'stall') {
          await sleep(clock, fault.stallMs, request.signal);
          await sleep(clock, (plan.outputTokens - cutAt) * plan.msPerToken, request.signal);
        }
        bill(attemptId, plan.model, plan.inputTokens, plan.outputTokens);
        if (fault?.kind === 'malformed') {
          return new Response('{"id":"' + ids.id + '","choices":[{"message":{"content":"tru', {
            status: 200,
            headers: { ...headers, 'content-type': 'application/json' },
          });
        }
        return jsonResponse(
          200,
          renderer.json(
            ids,
            answerSlice(plan.skipChars, plan.skipChars + plan.outputTokens * 4),
            plan.inputTokens,
            plan.outputTokens,
            plan.finishReason,
          ),
          headers,
        );
      }
    }
  });

  const models = http.get(`${baseUrl}/models`, () =>
    jsonResponse(
      200,
      renderer.models(Object.keys(model.spec.models), Math.floor(clock.now() / 1_000)),
      {},
    ),
  );

  return [chat, models];
}
