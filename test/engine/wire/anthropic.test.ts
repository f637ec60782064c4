import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../src/engine/types.js';
import { anthropicWire } from '../../../src/engine/wire/anthropic.js';

const request: ChatRequest = {
  id: 'r1',
  group: 'chat',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hel', prefix: true },
  ],
  maxTokens: 64,
  stream: true,
};
const endpoint = {
  wire: 'anthropic' as const,
  baseUrl: 'http://127.0.0.1:1/v1',
  apiKey: 'sk-test',
};
const target = { provider: 'claude', model: 'claude-sonnet-4-5' };

describe('the Anthropic wire', () => {
  it('sends the key as x-api-key, the system prompt apart, a prefill as the last assistant turn', async () => {
    const built = anthropicWire.buildRequest(endpoint, target, request, 'r1#2');
    expect(built.url).toBe('http://127.0.0.1:1/v1/messages');
    expect(built.headers.get('x-api-key')).toBe('sk-test');
    expect(built.headers.get('authorization')).toBeNull();
    expect(built.headers.get('anthropic-version')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(built.headers.get('x-client-request-id')).toBe('r1#2');
    expect(await built.json()).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hel' },
      ],
      stream: true,
    });
  });

  it('reads a stream to its stop reason, even without message_stop', () => {
    const stream = anthropicWire.readStream();
    const events = [
      {
        event: 'message_start',
        data: '{"type":"message_start","message":{"model":"claude-sonnet-4-5","usage":{"input_tokens":9,"output_tokens":1}}}',
      },
      { event: 'ping', data: '{}' },
      {
        event: 'content_block_delta',
        data: '{"type":"content_block_delta","delta":{"type":"text_delta","text":"lo!"}}',
      },
    ].map((e) => stream.push({ ...e }));
    expect(events).toEqual(['continue', 'continue', 'continue']);
    expect(stream.result().complete).toBe(false);
    const last = stream.push({
      event: 'message_delta',
      data: '{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}',
    });
    expect(last).toBe('done');
    expect(stream.result()).toMatchObject({
      text: 'lo!',
      usage: { inputTokens: 9, outputTokens: 3 },
      finishReason: 'end_turn',
      complete: true,
    });
  });

  it('calls an error event a broken stream and a non-JSON event malformed', () => {
    const stream = anthropicWire.readStream();
    expect(
      stream.push({
        event: 'error',
        data: '{"type":"error","error":{"message":"Overloaded"}}',
      }),
    ).toEqual({ broken: 'error', message: 'Overloaded' });
    expect(stream.push({ event: 'x', data: 'tru' })).toMatchObject({
      broken: 'malformed',
    });
  });

  it('reads an error body’s type as its code', () => {
    expect(
      anthropicWire.readError(
        '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      ),
    ).toEqual({ code: 'overloaded_error', message: 'Overloaded' });
    expect(anthropicWire.readError('')).toEqual({ message: 'no error body' });
  });
});
