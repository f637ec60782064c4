/**
 * @module engine/attempt
 * The innermost step: one HTTP exchange with one target, read to the end and turned into an
 * outcome. A stream that breaks after the headers is a failure, never a short answer.
 */
import type { Clock } from './clock.js';
import { classifyRefusal, classifyStatus } from './classify.js';
import type { PrefillSupport } from './prefill.js';
import type { EventHub } from './events.js';
import type { AttemptContext, AttemptFn } from './policy.js';
import { parseRetryAfter } from './policies/retry-after.js';
import type { Transport } from './transport.js';
import type {
  AttemptFailure,
  AttemptOutcome,
  AttemptSuccess,
  ChatRequest,
  FailureReason,
  Target,
} from './types.js';
import { anthropicWire } from './wire/anthropic.js';
import { openAiWire } from './wire/openai.js';
import { StreamWatchdog, type StreamLimits } from './stream-watchdog.js';
import { ABORTED, AbortRace } from './abort-race.js';
import { MAX_RESPONSE_BYTES, readTextLimited } from './wire/read-limited.js';
import { SseParser } from './wire/sse.js';
import {
  tryParseJson,
  type ResolvedEndpoint,
  type WireAdapter,
  type WireAnswer,
} from './wire/wire-adapter.js';

/** Everything the attempt step needs. */
export interface AttemptDeps {
  readonly clock: Clock;
  readonly transport: Transport;
  readonly events: EventHub;
  readonly endpoint: (provider: string) => ResolvedEndpoint | undefined;
  /** First-token and idle limits for streamed answers. */
  readonly streamLimits?: StreamLimits;
  /** What a stream that breaks after its first content leads to. @defaultValue restart */
  readonly onBreak?: 'restart' | 'continue' | 'error';
  /** Which targets continue a prefill; needed for `onBreak: continue`. */
  readonly prefill?: PrefillSupport;
}

const WIRES: Readonly<Record<ResolvedEndpoint['wire'], WireAdapter>> = {
  openai: openAiWire,
  anthropic: anthropicWire,
};

function tooLarge(what: string): string {
  return `${what} passed ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB; the rest was not read`;
}

/** An earlier attempt's partial answer, sent as an assistant prefill. */
interface Prefill {
  readonly text: string;
  readonly attempts: readonly number[];
}

function success(
  target: Target,
  status: number,
  answer: WireAnswer,
  attempt: number,
  prefill: Prefill | undefined,
): AttemptSuccess {
  return {
    ok: true,
    target,
    status,
    text: prefill === undefined ? answer.text : prefill.text + answer.text,
    usage: answer.usage,
    finishReason: answer.finishReason,
    responseModel: answer.model,
    attempt,
    ...(prefill === undefined ? {} : { continues: prefill.attempts }),
  };
}

/** The request with the partial answer appended as an assistant prefill. */
function withPrefill(request: ChatRequest, prefill: Prefill | undefined): ChatRequest {
  if (prefill === undefined) return request;
  return {
    ...request,
    messages: [...request.messages, { role: 'assistant', content: prefill.text, prefix: true }],
  };
}

/** Reasons a stream can break for after its first content, short of the caller leaving. */
const BROKEN_STREAM = new Set<FailureReason>(['stream-cut', 'stream-malformed', 'timeout']);

function failure(
  target: Target,
  reason: FailureReason,
  message: string,
  extra: Partial<AttemptFailure> = {},
): AttemptFailure {
  const failureClass = extra.failureClass ?? (reason === 'aborted' ? 'final' : 'transient');
  return { ok: false, target, reason, message, ...extra, failureClass };
}

/** The reason an aborted attempt failed: its own timeout, or the caller/deadline. */
function abortFailure(target: Target, signal: AbortSignal): AttemptFailure {
  const reason: unknown = signal.reason;
  const code =
    typeof reason === 'object' && reason !== null ? (reason as { code?: unknown }).code : undefined;
  if (code === 'ATTEMPT_TIMEOUT') {
    return failure(target, 'timeout', (reason as Error).message);
  }
  return failure(target, 'aborted', 'the request was cancelled or its deadline passed');
}

function networkMessage(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `${message} (${code})`;
}

/** Creates the terminal attempt function the policies wrap. */
export function createAttempt(deps: AttemptDeps): AttemptFn {
  const { clock, transport, events } = deps;

  const run = async (
    ctx: AttemptContext,
    attempt: number,
    race: AbortRace,
    watchdog: StreamWatchdog | undefined,
    prefill: Prefill | undefined,
  ): Promise<AttemptOutcome> => {
    const { target, signal } = ctx;
    const endpoint = deps.endpoint(target.provider);
    if (endpoint === undefined) {
      return failure(
        target,
        'network',
        `no endpoint configured for provider "${target.provider}"`,
        {
          failureClass: 'target-unusable',
        },
      );
    }
    if (signal.aborted) return abortFailure(target, signal);
    const wire = WIRES[endpoint.wire];
    const request = wire.buildRequest(
      endpoint,
      target,
      withPrefill(ctx.request, prefill),
      `${ctx.request.id}#${attempt}`,
      signal,
    );

    let response: Response | typeof ABORTED;
    try {
      response = await race.race(transport(request, signal));
    } catch (error) {
      return failure(target, 'network', networkMessage(error));
    }
    if (response === ABORTED) return abortFailure(target, signal);

    if (response.status >= 400) {
      const body = await race.race(readTextLimited(response)).catch(() => '');
      if (body === ABORTED) return abortFailure(target, signal);
      // An error body past the bound says nothing more than its status.
      const error = wire.readError(body ?? '');
      const retryAfterMs = parseRetryAfter(response.headers, clock.now());
      const failureClass = classifyStatus(response.status, error.code, error.message);
      return failure(target, 'http-status', `${response.status}: ${error.message}`, {
        status: response.status,
        failureClass,
        ...(failureClass === 'invalid-request'
          ? { refusal: classifyRefusal(error.code, error.message) }
          : {}),
        ...(error.code === undefined ? {} : { code: error.code }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }

    if (!ctx.request.stream) {
      let text: string | undefined | typeof ABORTED;
      try {
        text = await race.race(readTextLimited(response));
      } catch (error) {
        return failure(target, 'stream-cut', `the answer broke off: ${networkMessage(error)}`, {
          status: response.status,
        });
      }
      if (text === ABORTED) return abortFailure(target, signal);
      if (text === undefined)
        return failure(target, 'stream-malformed', tooLarge('the answer'), {
          status: response.status,
        });
      const body = tryParseJson(text);
      if (body === undefined) {
        return failure(
          target,
          'stream-malformed',
          `the answer is not valid JSON: ${text.slice(0, 80)}`,
          {
            status: response.status,
          },
        );
      }
      const answer = wire.readAnswer(body);
      if (typeof answer === 'string')
        return failure(target, 'stream-malformed', answer, { status: response.status });
      return success(target, response.status, answer, attempt, prefill);
    }

    if (response.body === null)
      return failure(target, 'stream-cut', 'the stream had no body', { status: response.status });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const sse = new SseParser();
    const stream = wire.readStream();
    const stop = (): void => {
      reader.cancel().catch(() => undefined);
    };
    let received = 0;
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>> | typeof ABORTED;
      try {
        chunk = await race.race(reader.read());
      } catch (error) {
        const partial = stream.result().text;
        return failure(target, 'stream-cut', `the stream broke off: ${networkMessage(error)}`, {
          status: response.status,
          partialText: partial,
        });
      }
      if (chunk === ABORTED) {
        stop();
        return {
          ...abortFailure(target, signal),
          status: response.status,
          partialText: stream.result().text,
        };
      }
      if (chunk.done) break;
      received += chunk.value.byteLength;
      if (received > MAX_RESPONSE_BYTES) {
        stop();
        return failure(target, 'stream-malformed', tooLarge('the stream'), {
          status: response.status,
          partialText: stream.result().text,
        });
      }
      const events = sse.push(decoder.decode(chunk.value, { stream: true }));
      for (const event of events) {
        const verdict = stream.push(event);
        if (verdict === 'continue') continue;
        if (verdict === 'done') {
          stop();
          const answer = stream.result();
          return success(target, response.status, answer, attempt, prefill);
        }
        stop();
        return failure(
          target,
          verdict.broken === 'malformed' ? 'stream-malformed' : 'stream-cut',
          verdict.message,
          {
            status: response.status,
            partialText: stream.result().text,
          },
        );
      }
      watchdog?.onChunk(stream.result().text !== '');
    }
    const answer = stream.result();
    if (!answer.complete || sse.pending.trim() !== '') {
      return failure(target, 'stream-cut', 'the stream ended before the answer was complete', {
        status: response.status,
        partialText: answer.text,
      });
    }
    return success(target, response.status, answer, attempt, prefill);
  };

  /**
   * A stream that broke after its first content: keep the text for the next attempt to
   * continue, or end the request, as configured. A refused prefill is marked for the router.
   */
  const afterBreak = (
    ctx: AttemptContext,
    outcome: AttemptFailure,
    attempt: number,
    prefill: Prefill | undefined,
  ): AttemptFailure => {
    if (prefill !== undefined && outcome.failureClass === 'invalid-request')
      return { ...outcome, prefilled: true };
    const partialText = outcome.partialText ?? '';
    if (partialText === '' || !BROKEN_STREAM.has(outcome.reason)) return outcome;
    if (deps.onBreak === 'error') {
      return {
        ...outcome,
        failureClass: 'final',
        message: `${outcome.message} after ${partialText.length} characters of the answer (stream.onBreak: error)`,
      };
    }
    if (deps.onBreak === 'continue') {
      ctx.state.partial =
        prefill === undefined
          ? { text: partialText, attempts: [attempt] }
          : { text: prefill.text + partialText, attempts: [...prefill.attempts, attempt] };
    }
    return outcome;
  };

  return async (ctx) => {
    const attempt = ++ctx.state.attempts;
    const startedAt = clock.now();
    if (events.active)
      events.emit({
        type: 'attempt:start',
        at: startedAt,
        requestId: ctx.request.id,
        attempt,
        target: ctx.target,
      });
    const limits = deps.streamLimits;
    const watchdog =
      ctx.request.stream &&
      limits !== undefined &&
      (limits.firstTokenMs !== undefined || limits.streamIdleMs !== undefined)
        ? new StreamWatchdog(clock, limits, ctx.signal)
        : undefined;
    const watched = watchdog === undefined ? ctx : { ...ctx, signal: watchdog.signal };
    const race = new AbortRace(watched.signal);
    const partial = ctx.state.partial;
    const text = partial?.text.trimEnd() ?? '';
    // Providers refuse a prefill that ends in whitespace; the continuation brings it back.
    const prefill =
      text !== '' && deps.onBreak === 'continue' && deps.prefill?.supports(ctx.target) === true
        ? { text, attempts: (partial as Prefill).attempts }
        : undefined;
    let outcome: AttemptOutcome;
    try {
      outcome = await run(watched, attempt, race, watchdog, prefill);
    } finally {
      race.dispose();
      watchdog?.dispose();
    }
    if (!outcome.ok) outcome = afterBreak(ctx, outcome, attempt, prefill);
    if (events.active) {
      events.emit({
        type: 'attempt:end',
        at: clock.now(),
        requestId: ctx.request.id,
        attempt,
        target: ctx.target,
        startedAt,
        ok: outcome.ok,
        ...(outcome.ok
          ? { status: outcome.status, usage: outcome.usage, responseModel: outcome.responseModel }
          : {
              reason: outcome.reason,
              ...(outcome.status === undefined ? {} : { status: outcome.status }),
              ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
            }),
        ...(prefill === undefined ? {} : { prefilled: true }),
      });
    }
    return outcome;
  };
}
