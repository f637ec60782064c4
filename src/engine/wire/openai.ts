/**
 * @module engine/wire/openai
 * The OpenAI chat completions wire format (and every OpenAI-compatible endpoint).
 */
import type { WireAdapter, WireAnswer } from './wire-adapter.js';
import { ANSWER_SCHEMA, field, num, str, tryParseJson } from './wire-adapter.js';

function readUsage(usage: unknown): { inputTokens: number; outputTokens: number } {
  return {
    inputTokens: num(field(usage, 'prompt_tokens')),
    outputTokens: num(field(usage, 'completion_tokens')),
  };
}

/** The OpenAI chat completions adapter. */
export const openAiWire: WireAdapter = {
  buildRequest(endpoint, target, request, attemptId) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-client-request-id': attemptId,
    };
    if (endpoint.apiKey !== undefined) headers.authorization = `Bearer ${endpoint.apiKey}`;
    const body: Record<string, unknown> = {
      model: target.model,
      messages: request.messages,
      max_completion_tokens: request.maxTokens,
    };
    if (request.stream) {
      body.stream = true;
      body.stream_options = { include_usage: true };
    }
    if (request.responseFormat === 'json')
      body.response_format = {
        type: 'json_schema',
        json_schema: { name: 'answer', strict: true, schema: ANSWER_SCHEMA },
      };
    return new Request(`${endpoint.baseUrl}/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
  },

  readAnswer(body) {
    const choice = field(field(body, 'choices'), '0');
    const message = field(choice, 'message');
    // A structured-output refusal comes in `refusal`, with the content null.
    const content = str(field(message, 'content')) ?? str(field(message, 'refusal'));
    if (content === undefined) return 'the answer has no choices[0].message.content';
    return {
      text: content,
      usage: readUsage(field(body, 'usage')),
      finishReason: str(field(choice, 'finish_reason')) ?? 'unknown',
      model: str(field(body, 'model')) ?? '',
    };
  },

  readStream() {
    let text = '';
    let finishReason: string | undefined;
    let usage = { inputTokens: 0, outputTokens: 0 };
    let sawUsage = false;
    let model = '';
    let done = false;
    return {
      push(event) {
        if (event.data === '[DONE]') {
          done = true;
          return 'done';
        }
        const chunk = tryParseJson(event.data);
        if (chunk === undefined || typeof chunk !== 'object' || chunk === null) {
          return {
            broken: 'malformed',
            message: `malformed stream chunk: ${event.data.slice(0, 80)}`,
          };
        }
        const error = field(chunk, 'error');
        if (error !== undefined) {
          return {
            broken: 'error',
            message: str(field(error, 'message')) ?? 'error event in stream',
          };
        }
        model = str(field(chunk, 'model')) ?? model;
        const choice = field(field(chunk, 'choices'), '0');
        const fields = field(choice, 'delta');
        const delta = str(field(fields, 'content')) ?? str(field(fields, 'refusal'));
        if (delta !== undefined) text += delta;
        const reason = str(field(choice, 'finish_reason'));
        if (reason !== undefined) finishReason = reason;
        const u = field(chunk, 'usage');
        if (u !== undefined && u !== null) {
          usage = readUsage(u);
          sawUsage = true;
        }
        // With include_usage the usage chunk is the last one; a provider that then forgets
        // `[DONE]` must not keep the caller waiting.
        return finishReason !== undefined && sawUsage ? 'done' : 'continue';
      },
      result(): WireAnswer & { complete: boolean } {
        return {
          text,
          usage,
          finishReason: finishReason ?? 'unknown',
          model,
          complete: done || finishReason !== undefined,
        };
      },
    };
  },

  readError(body) {
    const error = field(tryParseJson(body), 'error');
    const message = str(field(error, 'message')) ?? (body.slice(0, 200) || 'no error body');
    const code = str(field(error, 'code')) ?? str(field(error, 'type'));
    return code === undefined ? { message } : { message, code };
  },
};
