/**
 * @module subject/answers
 * Answers on the OpenAI chat-completions wire, for subjects that wrap an SDK: a whole answer
 * (as JSON, or as a one-chunk stream when the caller asked for one), a stream re-sent chunk by
 * chunk, and an error the way a gateway reports one.
 */
import { answerResponse } from '../engine/runtime/chat-completions.js';

/** A finished answer, whatever SDK produced it. */
export interface ChatAnswer {
  readonly text: string;
  /** The model that answered, as the provider named it. */
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

let answered = 0;

/** The answer as an OpenAI chat completion, streamed in one chunk when `stream` is set. */
export function chatAnswer(answer: ChatAnswer, stream: boolean): Response {
  return answerResponse(
    `subject-${++answered}`,
    {
      ok: true,
      requestId: '',
      target: { provider: '', model: answer.model },
      text: answer.text,
      usage: { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens },
      responseModel: answer.model,
      attempt: 1,
      attempts: 1,
      latencyMs: 0,
      degraded: false,
    },
    stream,
  );
}

/**
 * Chat-completion chunks (the OpenAI SDK's stream, say) re-sent as server-sent events as they
 * come. A chunk source that fails mid-way breaks the stream, as a gateway's would.
 */
export function sseAnswer(chunks: AsyncIterable<unknown>): Response {
  const encoder = new TextEncoder();
  const iterator = chunks[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done === true) {
        controller.enqueue(encoder.encode('data: [DONE]\n\n'));
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(`data: ${JSON.stringify(next.value)}\n\n`));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
  });
}

/** One piece of a streamed answer, whatever SDK produced it: a text delta, or how it ended. */
export type TextStreamPiece =
  | { readonly text: string }
  | {
      readonly finishReason: string;
      readonly inputTokens?: number | undefined;
      readonly outputTokens?: number | undefined;
      /** The model that answered, when the SDK says so only at the end. */
      readonly model?: string | undefined;
    };

/**
 * An SDK's text stream (its deltas as they come, then how it finished) re-sent as chat-completion
 * chunks. A source that fails mid-way, or ends without a finish piece, breaks the stream: the
 * caller cannot tell such an answer is whole, so it is not sent as whole.
 */
/**
 * @param model - the model the chunks name until the finish piece says which answered.
 */
export function textStreamAnswer(pieces: AsyncIterable<TextStreamPiece>, model: string): Response {
  const id = `subject-${++answered}`;
  const chunk = (choice: object, usage?: object, answeredBy = model): object => ({
    id,
    object: 'chat.completion.chunk',
    created: 0,
    model: answeredBy,
    choices: [{ index: 0, ...choice }],
    ...(usage === undefined ? {} : { usage }),
  });
  async function* chunks(): AsyncGenerator<object> {
    for await (const piece of pieces) {
      if ('text' in piece) {
        if (piece.text !== '') yield chunk({ delta: { content: piece.text }, finish_reason: null });
        continue;
      }
      const input = piece.inputTokens ?? 0;
      const output = piece.outputTokens ?? 0;
      // The last chunk names the model that answered, where the SDK told it; a reader takes the
      // last chunk's model, as OpenAI's streams repeat it in each.
      yield chunk(
        { delta: {}, finish_reason: piece.finishReason },
        { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
        piece.model ?? model,
      );
      return;
    }
    throw new Error('the stream ended without saying how it finished');
  }
  return sseAnswer(chunks());
}

/**
 * A failure as a gateway answers it: an SDK error's own HTTP status (a 429 stays a 429), 504
 * for a timeout, 502 for anything else, with the message in an OpenAI error body.
 */
export function errorAnswer(error: unknown): Response {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    status?: unknown;
    statusCode?: unknown;
    name?: unknown;
    message?: unknown;
  };
  // `status` on the official SDKs' errors, `statusCode` on the AI SDK's.
  const status = fields.status ?? fields.statusCode;
  const name = typeof fields.name === 'string' ? fields.name : '';
  const message = typeof fields.message === 'string' ? fields.message : String(error);
  const code =
    typeof status === 'number' && status >= 400 && status <= 599
      ? status
      : /timeout/i.test(name) || /timed? ?out/i.test(message)
        ? 504
        : 502;
  return new Response(JSON.stringify({ error: { message, type: 'gateway_error' } }), {
    status: code,
    headers: { 'content-type': 'application/json' },
  });
}
