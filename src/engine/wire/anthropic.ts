/**
 * @module engine/wire/anthropic
 * The Anthropic messages wire format.
 */
import type { WireAdapter, WireAnswer } from './wire-adapter.js';
import { ANSWER_SCHEMA, field, num, str, tryParseJson } from './wire-adapter.js';

/** The API version header every Anthropic request carries. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** The Anthropic messages adapter. */
export const anthropicWire: WireAdapter = {
  buildRequest(endpoint, target, request, attemptId) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'anthropic-version': ANTHROPIC_VERSION,
      'x-client-request-id': attemptId,
    };
    if (endpoint.apiKey !== undefined) headers['x-api-key'] = endpoint.apiKey;
    const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content);
    const body: Record<string, unknown> = {
      model: target.model,
      max_tokens: request.maxTokens,
      messages: request.messages
        .filter((m) => m.role !== 'system')
        .map((m) => ({ role: m.role, content: m.content })),
    };
    if (system.length > 0) body.system = system.join('\n\n');
    if (request.stream) body.stream = true;
    if (request.responseFormat === 'json')
      body.output_config = { format: { type: 'json_schema', schema: ANSWER_SCHEMA } };
    return new Request(`${endpoint.baseUrl}/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
  },

  readAnswer(body) {
    const content = field(body, 'content');
    if (!Array.isArray(content)) return 'the answer has no content array';
    let text = '';
    for (const block of content)
      if (field(block, 'type') === 'text') text += str(field(block, 'text')) ?? '';
    const usage = field(body, 'usage');
    return {
      text,
      usage: {
        inputTokens: num(field(usage, 'input_tokens')),
        outputTokens: num(field(usage, 'output_tokens')),
      },
      finishReason: str(field(body, 'stop_reason')) ?? 'unknown',
      model: str(field(body, 'model')) ?? '',
    };
  },

  readStream() {
    let text = '';
    let inputTokens = 0;
    let outputTokens = 0;
    let stopReason: string | undefined;
    let model = '';
    let stopped = false;
    return {
      push(event) {
        if (event.event === 'ping') return 'continue';
        const data = tryParseJson(event.data);
        if (data === undefined || typeof data !== 'object' || data === null) {
          return {
            broken: 'malformed',
            message: `malformed stream event: ${event.data.slice(0, 80)}`,
          };
        }
        switch (field(data, 'type')) {
          case 'message_start': {
            const message = field(data, 'message');
            model = str(field(message, 'model')) ?? model;
            inputTokens = num(field(field(message, 'usage'), 'input_tokens'));
            outputTokens = num(field(field(message, 'usage'), 'output_tokens'));
            return 'continue';
          }
          case 'content_block_delta': {
            const delta = field(data, 'delta');
            if (field(delta, 'type') === 'text_delta') text += str(field(delta, 'text')) ?? '';
            return 'continue';
          }
          case 'message_delta': {
            stopReason = str(field(field(data, 'delta'), 'stop_reason')) ?? stopReason;
            const out = field(field(data, 'usage'), 'output_tokens');
            if (typeof out === 'number') outputTokens = out;
            // The stop reason and final usage complete the answer: a provider that then
            // forgets `message_stop` must not keep the caller waiting.
            return stopReason === undefined ? 'continue' : 'done';
          }
          case 'message_stop':
            stopped = true;
            return 'done';
          case 'error':
            return {
              broken: 'error',
              message: str(field(field(data, 'error'), 'message')) ?? 'error event in stream',
            };
          default:
            return 'continue';
        }
      },
      result(): WireAnswer & { complete: boolean } {
        return {
          text,
          usage: { inputTokens, outputTokens },
          finishReason: stopReason ?? 'unknown',
          model,
          complete: stopped || stopReason !== undefined,
        };
      },
    };
  },

  readError(body) {
    const error = field(tryParseJson(body), 'error');
    const message = str(field(error, 'message')) ?? (body.slice(0, 200) || 'no error body');
    const code = str(field(error, 'type'));
    return code === undefined ? { message } : { message, code };
  },
};
