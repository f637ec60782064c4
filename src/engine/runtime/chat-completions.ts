/**
 * @module engine/runtime/chat-completions
 * The engine as an OpenAI-compatible `fetch` handler: `POST …/chat/completions` with `model`
 * naming a model group, answered through the group's failover chain on the OpenAI wire, as one
 * JSON body or as a stream. Mount it in any server that speaks `Request` and `Response` (Hono,
 * Deno, Bun, a Node adapter), or drill it as a subject.
 */
import type { ChatMessage, RequestOutcome } from '../types.js';
import type { FailoverClient } from './failover-client.js';

/** Options of {@link chatCompletionsHandler}. */
export interface ChatCompletionsOptions {
  /** Names each request for the engine's events. @defaultValue `gw-1`, `gw-2`, … */
  readonly nextId?: () => string;
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function readMessages(value: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const messages: ChatMessage[] = [];
  for (const m of value as unknown[]) {
    if (typeof m !== 'object' || m === null) return undefined;
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (role !== 'system' && role !== 'user' && role !== 'assistant') return undefined;
    if (typeof content !== 'string') return undefined;
    messages.push({ role, content });
  }
  return messages;
}

/** The HTTP status a failed request is answered with. */
export function errorStatus(outcome: Extract<RequestOutcome, { ok: false }>): number {
  if (outcome.refusal !== undefined || outcome.reason === 'no-target') return outcome.status ?? 400;
  if (outcome.reason === 'timeout' || outcome.reason === 'aborted') return 504;
  if (outcome.reason === 'over-budget') return 429;
  return outcome.status !== undefined && outcome.status >= 500 ? outcome.status : 502;
}

/** A served answer on the OpenAI wire, as one JSON body or as a stream. */
export function answerResponse(
  id: string,
  outcome: Extract<RequestOutcome, { ok: true }>,
  stream: boolean,
): Response {
  const usage = {
    prompt_tokens: outcome.usage.inputTokens,
    completion_tokens: outcome.usage.outputTokens,
    total_tokens: outcome.usage.inputTokens + outcome.usage.outputTokens,
  };
  const base = { id: `chatcmpl-${id}`, created: 0, model: outcome.responseModel };
  if (!stream) {
    return jsonResponse(200, {
      ...base,
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: outcome.text }, finish_reason: 'stop' },
      ],
      usage,
    });
  }
  // The engine hands over whole answers, so the stream carries it in one content chunk.
  const chunk = (choices: unknown[], extra: object = {}): string =>
    `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
  const text =
    chunk([
      { index: 0, delta: { role: 'assistant', content: outcome.text }, finish_reason: null },
    ]) +
    chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]) +
    chunk([], { usage }) +
    'data: [DONE]\n\n';
  return new Response(text, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
  });
}

/** The failure answer of a request the engine could not serve. */
function failureResponse(outcome: Extract<RequestOutcome, { ok: false }>): Response {
  return jsonResponse(errorStatus(outcome), {
    error: {
      message: outcome.message,
      type: outcome.refusal === undefined ? 'gateway_error' : 'invalid_request_error',
      code: outcome.code ?? outcome.reason,
    },
  });
}

/** An OpenAI-compatible chat-completions handler over a failover client. */
export function chatCompletionsHandler(
  client: Pick<FailoverClient, 'complete'>,
  options: ChatCompletionsOptions = {},
): (request: Request) => Promise<Response> {
  let served = 0;
  const nextId = options.nextId ?? ((): string => `gw-${++served}`);
  return async (request) => {
    if (request.method !== 'POST' || !new URL(request.url).pathname.endsWith('/chat/completions'))
      return jsonResponse(404, {
        error: { message: 'only POST /v1/chat/completions is served', type: 'not_found' },
      });
    let body: Record<string, unknown> | undefined;
    try {
      body = (await request.json()) as Record<string, unknown> | undefined;
    } catch {
      body = undefined;
    }
    const messages = readMessages(body?.messages);
    const group = body?.model;
    if (body === undefined || typeof group !== 'string' || messages === undefined)
      return jsonResponse(400, {
        error: {
          message: 'expected a JSON body with model (a model group) and messages',
          type: 'invalid_request_error',
        },
      });
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    const stream = body.stream === true;
    const format = (body.response_format as { type?: unknown } | undefined)?.type;
    const id = nextId();
    const outcome = await client.complete(
      {
        id,
        group,
        messages,
        maxTokens: typeof maxTokens === 'number' ? maxTokens : 1024,
        stream,
        // JSON output asked for either way is asked of the targets as the drill's schema.
        ...(format === 'json_schema' || format === 'json_object'
          ? { responseFormat: 'json' as const }
          : {}),
      },
      request.signal,
    );
    return outcome.ok ? answerResponse(id, outcome, stream) : failureResponse(outcome);
  };
}
