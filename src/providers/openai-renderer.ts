/**
 * @module providers/openai-renderer
 * The OpenAI chat completions wire, server side: request bodies, JSON and SSE answers
 * (`stream_options.include_usage`), error bodies and `x-ratelimit-*` headers.
 */
import type { ErrorKind, RateLimitInfo } from './response-plan.js';
import { readMessages, sseFrame, type WireRenderer, type WireRequest } from './wire-renderer.js';

const ERRORS: Readonly<Record<ErrorKind, { type: string; code: string | null; message: string }>> =
  {
    'server-error': {
      type: 'server_error',
      code: null,
      message: 'The server had an error while processing your request. Sorry about that!',
    },
    'bad-gateway': { type: 'server_error', code: null, message: 'Bad gateway.' },
    unavailable: {
      type: 'server_error',
      code: null,
      message: 'The engine is currently overloaded, please try again later.',
    },
    overloaded: {
      type: 'server_error',
      code: 'overloaded',
      message: 'The server is overloaded. Please try again later.',
    },
    'rate-limited': {
      type: 'requests',
      code: 'rate_limit_exceeded',
      message: 'Rate limit reached for requests. Please try again later.',
    },
    'quota-exhausted': {
      type: 'insufficient_quota',
      code: 'insufficient_quota',
      message: 'You exceeded your current quota, please check your plan and billing details.',
    },
    'invalid-key': {
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      message: 'Incorrect API key provided.',
    },
    'invalid-request': { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
    'prefill-unsupported': {
      type: 'invalid_request_error',
      code: null,
      message:
        'This model does not support assistant message prefill: the last message must come from the user.',
    },
    'model-not-found': {
      type: 'invalid_request_error',
      code: 'model_not_found',
      message: 'The model does not exist or you do not have access to it.',
    },
    'context-length-exceeded': {
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      message:
        "This model's maximum context length was exceeded. Please reduce the length of the messages.",
    },
    'content-filter': {
      type: 'invalid_request_error',
      code: 'content_filter',
      message:
        'The response was filtered due to the prompt triggering the content management policy.',
    },
  };

/** `6m0s`, `1.5s`, `20ms`: the duration format of OpenAI's reset headers. */
function resetFormat(ms: number): string {
  if (ms < 1_000) return `${Math.ceil(ms)}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms - minutes * 60_000) / 10) / 100;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

function chunk(
  ids: { id: string; created: number; model: string },
  choices: unknown[],
  usage?: unknown,
): string {
  const body: Record<string, unknown> = {
    id: ids.id,
    object: 'chat.completion.chunk',
    created: ids.created,
    model: ids.model,
    system_fingerprint: 'fp_drill',
    choices,
  };
  if (usage !== undefined) body.usage = usage;
  return sseFrame(JSON.stringify(body));
}

/**
 * The token details of usage, zero: the mock models no prompt cache, reasoning, audio or predicted
 * outputs, but a client that reads them finds them. Shared by every answer, never changed.
 */
const PROMPT_DETAILS = Object.freeze({ cached_tokens: 0, audio_tokens: 0 });
const COMPLETION_DETAILS = Object.freeze({
  reasoning_tokens: 0,
  audio_tokens: 0,
  accepted_prediction_tokens: 0,
  rejected_prediction_tokens: 0,
});

/** Usage as the API reports it, token details included. */
function usage(input: number, output: number): unknown {
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: PROMPT_DETAILS,
    completion_tokens_details: COMPLETION_DETAILS,
  };
}

/** The OpenAI renderer. */
export const openAiRenderer: WireRenderer = {
  chatPath: '/chat/completions',
  requestIdHeader: 'x-request-id',
  processingHeader: 'openai-processing-ms',

  readRequest(body): WireRequest | string {
    if (typeof body !== 'object' || body === null)
      return 'We could not parse the JSON body of your request.';
    const b = body as Record<string, unknown>;
    if (typeof b.model !== 'string') return 'you must provide a model parameter';
    if (!Array.isArray(b.messages)) return "Missing required parameter: 'messages'.";
    const max =
      typeof b.max_completion_tokens === 'number'
        ? b.max_completion_tokens
        : typeof b.max_tokens === 'number'
          ? b.max_tokens
          : 4_096;
    if (!Number.isSafeInteger(max) || max < 1)
      return `Invalid 'max_tokens': expected a whole number of at least 1, got ${max}.`;
    const options = b.stream_options;
    const includeUsage =
      typeof options === 'object' &&
      options !== null &&
      (options as { include_usage?: unknown }).include_usage === true;
    const format = (b.response_format as { type?: unknown } | undefined)?.type;
    return {
      model: b.model,
      ...readMessages(b.messages as unknown[], undefined),
      maxTokens: max,
      stream: b.stream === true,
      includeUsage,
      json: format === 'json_schema' ? 'schema' : format === 'json_object' ? 'object' : undefined,
    };
  },

  error(kind, status, message) {
    const e = ERRORS[kind];
    return {
      status,
      body: { error: { message: message || e.message, type: e.type, param: null, code: e.code } },
    };
  },

  limitHeaders(rate: RateLimitInfo, retryAfterMs, _nowMs) {
    const headers: Record<string, string> = {};
    if (rate.requests !== undefined) {
      headers['x-ratelimit-limit-requests'] = String(rate.requests.limit);
      headers['x-ratelimit-remaining-requests'] = String(rate.requests.remaining);
      headers['x-ratelimit-reset-requests'] = resetFormat(rate.requests.resetMs);
    }
    if (rate.tokens !== undefined) {
      headers['x-ratelimit-limit-tokens'] = String(rate.tokens.limit);
      headers['x-ratelimit-remaining-tokens'] = String(rate.tokens.remaining);
      headers['x-ratelimit-reset-tokens'] = resetFormat(rate.tokens.resetMs);
    }
    if (retryAfterMs !== undefined) {
      headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1_000)));
      headers['retry-after-ms'] = String(Math.ceil(retryAfterMs));
    }
    return headers;
  },

  json(ids, text, input, output, finishReason, refusal) {
    return {
      id: ids.id,
      object: 'chat.completion',
      created: ids.created,
      model: ids.model,
      system_fingerprint: 'fp_drill',
      choices: [
        {
          index: 0,
          message: refusal
            ? { role: 'assistant', content: null, refusal: text }
            : { role: 'assistant', content: text, refusal: null },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage: usage(input, output),
    };
  },
  streamHead: (ids) =>
    chunk(ids, [
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
    ]),
  // Written as a template, not through JSON.stringify of the whole chunk: a stream sends one per
  // few tokens, and the bytes are the same (a test holds them to chunk()'s).
  streamDelta: (ids, text, refusal) =>
    `data: {"id":${JSON.stringify(ids.id)},"object":"chat.completion.chunk","created":${ids.created},"model":${JSON.stringify(ids.model)},"system_fingerprint":"fp_drill","choices":[{"index":0,"delta":{"${refusal === true ? 'refusal' : 'content'}":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}]}\n\n`,
  streamTail: (ids, input, output, finishReason) =>
    chunk(ids, [{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }]) +
    (ids.includeUsage ? chunk(ids, [], usage(input, output)) : ''),
  streamDone: () => sseFrame('[DONE]'),
  streamMalformed: (ids) =>
    `data: {"id":"${ids.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"tru\n\n`,
  models: (names, created) => ({
    object: 'list',
    data: names.map((id) => ({ id, object: 'model', created, owned_by: 'failover-drill' })),
  }),
};
