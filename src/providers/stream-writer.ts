/**
 * @module providers/stream-writer
 * A planned answer written as a server-sent event stream, paced by the clock: the head, content
 * frames token group by token group, a stall, a malformed frame or a cut where the plan's
 * stream fault says, and the tail. The tokens actually sent are billed when the stream ends,
 * however it ends.
 */
import { sleep, type Clock } from '../engine/clock.js';
import type { ResponsePlan } from './response-plan.js';
import { contentText, type AnswerIds, type WireRenderer } from './wire-renderer.js';

/** What the stream writer needs of its mock provider. */
export interface StreamWriter {
  readonly renderer: WireRenderer;
  readonly clock: Clock;
  /** Bills an attempt: its id, the model, input and output tokens. */
  readonly bill: (
    attemptId: string | undefined,
    model: string,
    input: number,
    output: number,
  ) => void;
}

const encoder = new TextEncoder();

/**
 * Content tokens a stream sends at once, as one write of its SSE events: at most a quarter of the
 * answer (at least 16 tokens), and never more than the model writes in a second, so a healthy
 * stream never goes quiet for longer than that. Each write holds events of the provider's
 * `chunkTokens` tokens, as a socket read gets several events of a fast stream at once; grouping
 * the writes keeps an hour of streams cheap to simulate while stream faults still land on the
 * exact token (the write and its event are split there).
 */
export function packetTokens(total: number, msPerToken: number): number {
  const perSecond = Math.max(1, Math.floor(1_000 / msPerToken));
  return Math.min(Math.max(16, Math.ceil(total / 4)), perSecond);
}

/**
 * The tokens sent once the write after `sent` tokens is out: the first write holds the first
 * event alone, as a real stream's first content arrives as soon as its tokens are written (a
 * first-token timeout sees the provider's time to first token, not up to a second more); later
 * writes `per` tokens more.
 */
export function nextWrite(sent: number, per: number, eventTokens: number): number {
  return sent === 0 ? Math.min(per, eventTokens) : sent + per;
}

/**
 * The content events for tokens `from` to `to`: one per `eventTokens` tokens, their bounds at
 * multiples of it from the answer's start, so a write that ends mid-event splits that event.
 */
function deltaEvents(
  renderer: WireRenderer,
  ids: AnswerIds,
  plan: Extract<ResponsePlan, { kind: 'answer' }>,
  text: string,
  from: number,
  to: number,
): string {
  const size = plan.eventTokens;
  const refusal = plan.content.kind === 'refusal' && plan.content.field;
  let out = '';
  for (let k = from; k < to;) {
    const end = Math.min(to, (Math.floor(k / size) + 1) * size);
    out += renderer.streamDelta(ids, text.slice(k * 4, end * 4), refusal);
    k = end;
  }
  return out;
}

/** Marks the point where a stream-cut fault drops the connection. */
const CUT = Symbol('cut');

/** The reason a cancelled stream's waits end with; preallocated, as cancels are frequent. */
const STREAM_CANCELLED = new Error('the client cancelled the stream');

/** How far a stream has got: tokens sent, and the last frame once it is known. */
interface StreamProgress {
  sent: number;
  finalFrame: string | undefined;
}

/** The answer as a timed sequence of frames; CUT drops the connection. */
async function* frames(
  writer: StreamWriter,
  plan: Extract<ResponsePlan, { kind: 'answer' }>,
  ids: AnswerIds,
  progress: StreamProgress,
  { startedAt, signal }: { readonly startedAt: number; readonly signal: AbortSignal },
): AsyncGenerator<string | typeof CUT> {
  const { renderer, clock } = writer;
  const per = packetTokens(plan.outputTokens, plan.msPerToken);
  const text = contentText(plan);
  let shift = 0;
  let fault = plan.streamFault;
  yield renderer.streamHead(ids, plan.inputTokens);
  for (;;) {
    const faultAt =
      fault === undefined || fault.kind === 'no-done'
        ? Number.POSITIVE_INFINITY
        : fault.afterTokens;
    const limit = Math.min(plan.outputTokens, faultAt);
    if (progress.sent < limit) {
      const next = Math.min(limit, nextWrite(progress.sent, per, plan.eventTokens));
      await sleep(
        clock,
        startedAt + shift + plan.firstTokenDelayMs + next * plan.msPerToken - clock.now(),
        signal,
      );
      const events = deltaEvents(renderer, ids, plan, text, progress.sent, next);
      progress.sent = next;
      yield events;
      continue;
    }
    if (fault !== undefined && fault.kind !== 'no-done') {
      if (fault.kind === 'cut') {
        // The drop comes after the client has taken in what was sent, as a reset arrives
        // behind the bytes before it: at the same instant, once the reader has caught up.
        await sleep(clock, fault.afterMs ?? 0, signal);
        yield CUT;
        return;
      }
      if (fault.kind === 'stall') {
        await sleep(clock, fault.stallMs, signal);
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
    await sleep(clock, Number.POSITIVE_INFINITY, signal);
    return;
  }
  progress.finalFrame = tail + renderer.streamDone();
  yield progress.finalFrame;
}

/** The planned answer as a streamed response; billed once the stream ends, however it ends. */
export function streamAnswer(
  writer: StreamWriter,
  plan: Extract<ResponsePlan, { kind: 'answer' }>,
  ids: AnswerIds,
  attemptId: string | undefined,
  headers: Record<string, string>,
): Response {
  const { clock, bill } = writer;
  const startedAt = clock.now();
  const cancelled = new AbortController();
  let billed = false;
  const settle = (): void => {
    if (billed) return;
    billed = true;
    bill(attemptId, plan.model, plan.inputTokens, progress.sent);
  };

  const progress: StreamProgress = { sent: 0, finalFrame: undefined };
  const source = frames(writer, plan, ids, progress, { startedAt, signal: cancelled.signal });
  let open = true;
  const finish = (controller: ReadableStreamDefaultController<Uint8Array>, error?: Error): void => {
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
        if (step.value === progress.finalFrame) finish(controller);
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
}
