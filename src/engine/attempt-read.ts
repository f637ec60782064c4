/**
 * @module engine/attempt-read
 * The reading phases of one attempt, after the response headers arrived: an error answer, a
 * whole JSON answer, or a stream of server-sent events read to its end. Each ends in an
 * outcome; a stream that breaks after the headers is a failure, never a short answer.
 */
import { classifyRefusal, classifyStatus } from './classify.js';
import { parseRetryAfter } from './policies/retry-after.js';
import type {
  AttemptFailure,
  AttemptOutcome,
  AttemptSuccess,
  FailureReason,
  Target,
} from './types.js';
import type { StreamWatchdog } from './stream-watchdog.js';
import { ABORTED, type AbortRace } from './abort-race.js';
import { MAX_RESPONSE_BYTES, readTextLimited } from './wire/read-limited.js';
import { SseParser } from './wire/sse.js';
import { tryParseJson, type WireAdapter, type WireAnswer } from './wire/wire-adapter.js';

/** An earlier attempt's partial answer, sent as an assistant prefill. */
export interface Prefill {
  readonly text: string;
  readonly attempts: readonly number[];
}

/** One attempt whose response headers have arrived. */
export interface Exchange {
  readonly target: Target;
  readonly signal: AbortSignal;
  readonly race: AbortRace;
  readonly wire: WireAdapter;
  readonly response: Response;
  /** The attempt's number within its caller request. */
  readonly attempt: number;
  readonly prefill: Prefill | undefined;
}

function tooLarge(what: string): string {
  return `${what} passed ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB; the rest was not read`;
}

/** An answer read to its end, carried on from the prefill when there was one. */
export function success(
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

/** A failed attempt; transient unless `extra` says otherwise (aborted ones are final). */
export function failure(
  target: Target,
  reason: FailureReason,
  message: string,
  extra: Partial<AttemptFailure> = {},
): AttemptFailure {
  const failureClass = extra.failureClass ?? (reason === 'aborted' ? 'final' : 'transient');
  return { ok: false, target, reason, message, ...extra, failureClass };
}

/** The reason an aborted attempt failed: its own timeout, or the caller/deadline. */
export function abortFailure(target: Target, signal: AbortSignal): AttemptFailure {
  const reason: unknown = signal.reason;
  const code =
    typeof reason === 'object' && reason !== null ? (reason as { code?: unknown }).code : undefined;
  if (code === 'ATTEMPT_TIMEOUT') {
    return failure(target, 'timeout', (reason as Error).message);
  }
  return failure(target, 'aborted', 'the request was cancelled or its deadline passed');
}

/** A network error's message, with its system code when it has one. */
export function networkMessage(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `${message} (${code})`;
}

/** A status of 400 or more: the provider's error, classified, with its Retry-After. */
export async function readErrorAnswer(x: Exchange, now: () => number): Promise<AttemptOutcome> {
  const { target, signal, response } = x;
  const body = await x.race.race(readTextLimited(response)).catch(() => '');
  if (body === ABORTED) return abortFailure(target, signal);
  // An error body past the bound says nothing more than its status.
  const error = x.wire.readError(body ?? '');
  const retryAfterMs = parseRetryAfter(response.headers, now());
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

/** A whole JSON answer, read within the size bound. */
export async function readWholeAnswer(x: Exchange): Promise<AttemptOutcome> {
  const { target, signal, response } = x;
  const status = response.status;
  let text: string | undefined | typeof ABORTED;
  try {
    text = await x.race.race(readTextLimited(response));
  } catch (error) {
    return failure(target, 'stream-cut', `the answer broke off: ${networkMessage(error)}`, {
      status,
    });
  }
  if (text === ABORTED) return abortFailure(target, signal);
  if (text === undefined)
    return failure(target, 'stream-malformed', tooLarge('the answer'), { status });
  const body = tryParseJson(text);
  if (body === undefined) {
    const start = text.slice(0, 80);
    return failure(target, 'stream-malformed', `the answer is not valid JSON: ${start}`, {
      status,
    });
  }
  const answer = x.wire.readAnswer(body);
  if (typeof answer === 'string') return failure(target, 'stream-malformed', answer, { status });
  return success(target, status, answer, x.attempt, x.prefill);
}

/**
 * A stream of server-sent events, read chunk by chunk until the wire says the answer is done,
 * the stream breaks or ends early, or the attempt is aborted. The watchdog hears of each chunk.
 */
export async function readStreamedAnswer(
  x: Exchange,
  watchdog: StreamWatchdog | undefined,
): Promise<AttemptOutcome> {
  const { target, signal, response } = x;
  const status = response.status;
  if (response.body === null)
    return failure(target, 'stream-cut', 'the stream had no body', { status });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const sse = new SseParser();
  const stream = x.wire.readStream();
  const stop = (): void => {
    reader.cancel().catch(() => undefined);
  };
  let received = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>> | typeof ABORTED;
    try {
      chunk = await x.race.race(reader.read());
    } catch (error) {
      const partialText = stream.result().text;
      const message = `the stream broke off: ${networkMessage(error)}`;
      return failure(target, 'stream-cut', message, { status, partialText });
    }
    if (chunk === ABORTED) {
      stop();
      return { ...abortFailure(target, signal), status, partialText: stream.result().text };
    }
    if (chunk.done) break;
    received += chunk.value.byteLength;
    if (received > MAX_RESPONSE_BYTES) {
      stop();
      const partialText = stream.result().text;
      return failure(target, 'stream-malformed', tooLarge('the stream'), { status, partialText });
    }
    for (const event of sse.push(decoder.decode(chunk.value, { stream: true }))) {
      const verdict = stream.push(event);
      if (verdict === 'continue') continue;
      stop();
      if (verdict === 'done') return success(target, status, stream.result(), x.attempt, x.prefill);
      const reason = verdict.broken === 'malformed' ? 'stream-malformed' : 'stream-cut';
      return failure(target, reason, verdict.message, {
        status,
        partialText: stream.result().text,
      });
    }
    watchdog?.onChunk(stream.result().text !== '');
  }
  const answer = stream.result();
  if (!answer.complete || sse.pending.trim() !== '') {
    const message = 'the stream ended before the answer was complete';
    return failure(target, 'stream-cut', message, { status, partialText: answer.text });
  }
  return success(target, status, answer, x.attempt, x.prefill);
}
