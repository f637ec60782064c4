import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../src/engine/types.js';
import { openAiWire } from '../../../src/engine/wire/openai.js';

const request: ChatRequest = {
  id: 'r1',
  group: 'chat',
  messages: [{ role: 'user', content: 'Hi' }],
  maxTokens: 64,
  stream: true,
};
const endpoint = { wire: 'openai' as const, baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'sk-test' };
const target = { provider: 'gpt', model: 'gpt-4o' };
const event = (data: string) => ({ event: 'message', data });

describe('the OpenAI wire', () => {
  it('sends a bearer key and asks a stream to include its usage', async () => {
    const built = openAiWire.buildRequest(endpoint, target, request, 'r1#1');
    expect(built.url).toBe('http://127.0.0.1:1/v1/chat/completions');
    expect(built.headers.get('authorization')).toBe('Bearer sk-test');
    expect(await built.json()).toMatchObject({
      model: 'gpt-4o',
      max_completion_tokens: 64,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('reads a stream whose usage chunk follows the finish reason, to [DONE]', () => {
    const stream = openAiWire.readStream();
    const pushed = [
      '{"model":"gpt-4o-2024","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}',
      '{"model":"gpt-4o-2024","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}',
      '{"model":"gpt-4o-2024","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}',
      '[DONE]',
    ].map((data) => stream.push(event(data)));
    expect(pushed.at(-1)).toBe('done');
    expect(stream.result()).toMatchObject({
      text: 'Hello',
      usage: { inputTokens: 5, outputTokens: 2 },
      finishReason: 'stop',
      model: 'gpt-4o-2024',
      complete: true,
    });
  });

  it('calls a stream that stops before its finish reason incomplete', () => {
    const stream = openAiWire.readStream();
    stream.push(event('{"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}'));
    expect(stream.result().complete).toBe(false);
  });

  it('reads an answer, and says what is missing from one it cannot read', () => {
    expect(
      openAiWire.readAnswer({
        model: 'gpt-4o',
        choices: [{ message: { content: 'Hi' }, finish_reason: 'length' }],
        usage: { prompt_tokens: 1, completion_tokens: 2 },
      }),
    ).toMatchObject({ text: 'Hi', finishReason: 'length', usage: { outputTokens: 2 } });
    expect(openAiWire.readAnswer({ choices: [] })).toBe(
      'the answer has no choices[0].message.content',
    );
  });

  it('prefers an error’s code to its type', () => {
    expect(
      openAiWire.readError(
        '{"error":{"message":"No quota","type":"insufficient_quota","code":"insufficient_quota"}}',
      ),
    ).toEqual({ code: 'insufficient_quota', message: 'No quota' });
    expect(openAiWire.readError('{"error":{"message":"x","type":"server_error"}}')).toEqual({
      code: 'server_error',
      message: 'x',
    });
  });
});
