/**
 * @module providers/wire-renderer
 * How a wire format renders the provider model's plans: request reading, error bodies and
 * headers, JSON answers and SSE frames. One implementation per wire.
 */
import type { ErrorKind, RateLimitInfo, ResponsePlan } from './response-plan.js';

/** The parts of a chat request a mock provider needs. */
export interface WireRequest {
  readonly model: string;
  /** All message text, to count input tokens from. */
  readonly texts: readonly string[];
  /** The last user message, where the answer length is asked for. */
  readonly lastUser: string;
  /** The last message's text when it is the assistant's: an answer to continue. */
  readonly prefill: string | undefined;
  readonly maxTokens: number;
  readonly stream: boolean;
  /** Whether a streamed answer should end with usage (OpenAI `stream_options.include_usage`). */
  readonly includeUsage: boolean;
  /**
   * The JSON output asked for: `schema` (OpenAI `response_format: json_schema`, Anthropic
   * `output_config.format`), `object` (OpenAI `json_object`), or none.
   */
  readonly json: 'schema' | 'object' | undefined;
}

/** Identity of one answer and what its frames carry, shared by them all. */
export interface AnswerIds {
  readonly id: string;
  /** Unix seconds. */
  readonly created: number;
  readonly model: string;
  /** Send usage at the end of a stream. */
  readonly includeUsage: boolean;
}

/** Renders one wire format. */
export interface WireRenderer {
  /** The chat endpoint's path below the base URL. */
  readonly chatPath: string;
  /** Reads the request body; a string says what is wrong with it (answered with a 400). */
  readRequest(body: unknown): WireRequest | string;
  /** Status, body and headers of an error answer. */
  error(kind: ErrorKind, status: number, message: string): { status: number; body: unknown };
  /** Retry and rate-limit headers; `retryAfterMs` undefined sends no Retry-After. */
  limitHeaders(
    rate: RateLimitInfo,
    retryAfterMs: number | undefined,
    nowMs: number,
  ): Record<string, string>;
  /** The header carrying the provider's request id. */
  readonly requestIdHeader: string;
  /** The header that says how long the provider took to respond, in ms, if the API sends one. */
  readonly processingHeader: string | undefined;
  json(
    ids: AnswerIds,
    text: string,
    inputTokens: number,
    outputTokens: number,
    finishReason: 'stop' | 'length',
    /** The text is a refusal the API sends in its own field (OpenAI `message.refusal`). */
    refusal: boolean,
  ): unknown;
  /** Frames before the first content token. */
  streamHead(ids: AnswerIds, inputTokens: number): string;
  /** One content event; `refusal`: the text goes in the API's refusal field. */
  streamDelta(ids: AnswerIds, text: string, refusal?: boolean): string;
  /** Frames after the last content token: finish reason and usage. */
  streamTail(
    ids: AnswerIds,
    inputTokens: number,
    outputTokens: number,
    finishReason: 'stop' | 'length',
  ): string;
  /** The end-of-stream marker (`[DONE]`, `message_stop`). */
  streamDone(): string;
  /** A frame whose data is not valid JSON. */
  streamMalformed(ids: AnswerIds): string;
  models(names: readonly string[], created: number): unknown;
}

/** One SSE frame. */
export function sseFrame(data: string, event?: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}

const FILLER_WORDS =
  'the order ships today and the refund lands within five business days so please keep the receipt ';

let filler = FILLER_WORDS;

/** Deterministic answer text of about `tokens` tokens (four characters a token). */
export function answerText(tokens: number): string {
  return answerSlice(0, tokens * 4);
}

/**
 * Characters `start` to `end` of the one deterministic answer every request gets, so an answer
 * continued from a prefill reads on exactly where the broken one stopped.
 */
export function answerSlice(start: number, end: number): string {
  while (filler.length < end) filler += filler;
  return filler.slice(start, end);
}

/**
 * The answer as JSON, `chars` long: the filler text as the one string field the drill's schema
 * asks for (`{"answer": string}`). A cut keeps a prefix of it, which no longer parses.
 */
function jsonAnswer(chars: number): string {
  return `{"answer":"${answerSlice(0, Math.max(0, chars - 13))}"}`;
}

/** The text of a planned answer, from where its prefill stops to where it ends (or is cut). */
export function contentText(plan: Extract<ResponsePlan, { kind: 'answer' }>): string {
  const from = plan.skipChars;
  const to = from + plan.outputTokens * 4;
  const content = plan.content;
  switch (content.kind) {
    case 'empty':
      return '';
    case 'refusal':
      return content.text;
    case 'fenced-json':
      return `Here is the JSON you asked for:\n\n\`\`\`json\n${jsonAnswer(from + plan.wholeTokens * 4).slice(from, to)}\n\`\`\``;
    case 'text':
      return content.json
        ? jsonAnswer(from + plan.wholeTokens * 4).slice(from, to)
        : answerSlice(from, to);
  }
}

/** The message texts of a request: all of them, the last user one, and a trailing prefill. */
export function readMessages(
  messages: readonly unknown[],
  system: string | undefined,
): Pick<WireRequest, 'texts' | 'lastUser' | 'prefill'> {
  const texts: string[] = system === undefined ? [] : [system];
  let lastUser = '';
  let prefill: string | undefined;
  for (const m of messages) {
    const content = (m as { content?: unknown }).content;
    const text = typeof content === 'string' ? content : JSON.stringify(content ?? '');
    texts.push(text);
    const role = (m as { role?: unknown }).role;
    if (role === 'user') lastUser = text;
    prefill = role === 'assistant' ? text : undefined;
  }
  return { texts, lastUser, prefill };
}

/** Input tokens of a request, estimated the usual way (four characters a token). */
export function countTokens(texts: readonly string[]): number {
  let chars = 0;
  for (const text of texts) chars += text.length;
  return Math.ceil(chars / 4);
}

const WANTED = /answer in (\d+) tokens/i;

/** Answer length when the prompt does not say. */
export const DEFAULT_ANSWER_TOKENS = 256;

/** The answer length a prompt asks for (`… answer in 300 tokens …`), if it does. */
export function wantedTokens(prompt: string): number | undefined {
  const match = WANTED.exec(prompt);
  return match === null ? undefined : Number(match[1]);
}
