/**
 * @module providers/anthropic-renderer
 * The Anthropic messages wire, server side: named SSE events (`message_start` …
 * `message_stop`), `{"type":"error"}` bodies and `anthropic-ratelimit-*` headers.
 */
import type { ErrorKind, RateLimitInfo } from './response-plan.js';
import { readMessages, sseFrame, type WireRenderer, type WireRequest } from './wire-renderer.js';

const ERRORS: Readonly<Record<ErrorKind, { type: string; message: string }>> = {
  'server-error': { type: 'api_error', message: 'Internal server error' },
  'bad-gateway': { type: 'api_error', message: 'Bad gateway' },
  unavailable: { type: 'api_error', message: 'Service unavailable' },
  overloaded: { type: 'overloaded_error', message: 'Overloaded' },
  'rate-limited': {
    type: 'rate_limit_error',
    message: 'Number of requests has exceeded your rate limit. Please try again later.',
  },
  'quota-exhausted': {
    type: 'invalid_request_error',
    message:
      'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
  },
  'invalid-key': { type: 'authentication_error', message: 'invalid x-api-key' },
  'invalid-request': { type: 'invalid_request_error', message: 'Invalid request.' },
  'model-not-found': { type: 'not_found_error', message: 'model: not found' },
  'context-length-exceeded': {
    type: 'invalid_request_error',
    message: 'prompt is too long: the prompt exceeds the maximum context length of the model',
  },
  'content-filter': {
    type: 'invalid_request_error',
    message: 'Output blocked by content filtering policy',
  },
  'prefill-unsupported': {
    type: 'invalid_request_error',
    message:
      'This model does not support assistant message prefill. The conversation must end with a user message.',
  },
};

const STOP_REASON = { stop: 'end_turn', length: 'max_tokens' } as const;

function event(type: string, data: Record<string, unknown>): string {
  return sseFrame(JSON.stringify({ type, ...data }), type);
}

/**
 * Usage as the Messages API reports it, prompt-cache fields included: zero, since the mock has no
 * prompt cache, so a client that reads them finds them.
 */
function usage(input: number, output: number): Record<string, unknown> {
  return {
    input_tokens: input,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: output,
  };
}

/**
 * Whether a request asks for JSON output: `output_config.format` (generally available) or the
 * beta's `output_format`, of type `json_schema`.
 */
function jsonFormat(body: Record<string, unknown>): boolean {
  const config = body.output_config as { format?: { type?: unknown } } | undefined;
  const beta = body.output_format as { type?: unknown } | undefined;
  return config?.format?.type === 'json_schema' || beta?.type === 'json_schema';
}

/** The Anthropic renderer. */
export const anthropicRenderer: WireRenderer = {
  chatPath: '/messages',
  requestIdHeader: 'request-id',
  processingHeader: undefined,

  readRequest(body): WireRequest | string {
    if (typeof body !== 'object' || body === null)
      return 'There was an issue with the JSON body of your request.';
    const b = body as Record<string, unknown>;
    if (typeof b.model !== 'string') return 'model: Field required';
    if (typeof b.max_tokens !== 'number') return 'max_tokens: Field required';
    if (!Number.isSafeInteger(b.max_tokens) || b.max_tokens < 1)
      return 'max_tokens: Input should be a valid integer greater than or equal to 1';
    if (!Array.isArray(b.messages)) return 'messages: Field required';
    return {
      model: b.model,
      ...readMessages(b.messages as unknown[], typeof b.system === 'string' ? b.system : undefined),
      maxTokens: b.max_tokens,
      stream: b.stream === true,
      includeUsage: true,
      json: jsonFormat(b) ? 'schema' : undefined,
    };
  },

  error(kind, status, message) {
    const e = ERRORS[kind];
    return {
      status,
      body: { type: 'error', error: { type: e.type, message: message || e.message } },
    };
  },

  limitHeaders(rate: RateLimitInfo, retryAfterMs, nowMs) {
    const headers: Record<string, string> = {};
    const at = (ms: number): string => new Date(nowMs + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (rate.requests !== undefined) {
      headers['anthropic-ratelimit-requests-limit'] = String(rate.requests.limit);
      headers['anthropic-ratelimit-requests-remaining'] = String(rate.requests.remaining);
      headers['anthropic-ratelimit-requests-reset'] = at(rate.requests.resetMs);
    }
    if (rate.tokens !== undefined) {
      headers['anthropic-ratelimit-tokens-limit'] = String(rate.tokens.limit);
      headers['anthropic-ratelimit-tokens-remaining'] = String(rate.tokens.remaining);
      headers['anthropic-ratelimit-tokens-reset'] = at(rate.tokens.resetMs);
    }
    if (retryAfterMs !== undefined)
      headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1_000)));
    return headers;
  },

  json(ids, text, input, output, finishReason) {
    return {
      id: ids.id,
      type: 'message',
      role: 'assistant',
      model: ids.model,
      // An empty answer has no content block at all.
      content: text === '' ? [] : [{ type: 'text', text }],
      stop_reason: STOP_REASON[finishReason],
      stop_sequence: null,
      usage: usage(input, output),
    };
  },
  streamHead: (ids, input) =>
    event('message_start', {
      message: {
        id: ids.id,
        type: 'message',
        role: 'assistant',
        model: ids.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usage(input, 1),
      },
    }) +
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) +
    event('ping', {}),
  // A template, as OpenAI's: the same bytes as event() writes, for one event per few tokens.
  streamDelta: (_ids, text) =>
    `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(text)}}}\n\n`,
  streamTail: (_ids, _input, output, finishReason) =>
    event('content_block_stop', { index: 0 }) +
    event('message_delta', {
      delta: { stop_reason: STOP_REASON[finishReason], stop_sequence: null },
      usage: { output_tokens: output },
    }),
  streamDone: () => event('message_stop', {}),
  streamMalformed: () =>
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_de\n\n',
  models: (names, created) => {
    const createdAt = new Date(created * 1_000).toISOString();
    const data = names.map((id) => ({
      type: 'model',
      id,
      display_name: id,
      created_at: createdAt,
    }));
    return {
      data,
      has_more: false,
      first_id: names[0] ?? null,
      last_id: names[names.length - 1] ?? null,
    };
  },
};
