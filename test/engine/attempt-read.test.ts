import { describe, expect, it } from 'vitest';
import { AbortRace } from '../../src/engine/abort-race.js';
import {
  readErrorAnswer,
  readStreamedAnswer,
  readWholeAnswer,
  type Exchange,
} from '../../src/engine/attempt-read.js';
import { openAiWire } from '../../src/engine/wire/openai.js';

const target = { provider: 'primary', model: 'm' };

function exchange(response: Response, prefill?: Exchange['prefill']): Exchange {
  const signal = new AbortController().signal;
  return {
    target,
    signal,
    race: new AbortRace(signal),
    wire: openAiWire,
    response,
    attempt: 2,
    prefill,
  };
}

const answer = {
  id: 'c',
  object: 'chat.completion',
  model: 'm-2026',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

function sse(...events: string[]): Response {
  return new Response(events.map((e) => `data: ${e}\n\n`).join(''), {
    headers: { 'content-type': 'text/event-stream' },
  });
}

function chunk(content: string, finish: string | null = null): string {
  return JSON.stringify({
    id: 'c',
    object: 'chat.completion.chunk',
    model: 'm-2026',
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  });
}

describe('reading an error answer', () => {
  it('classifies a 429 as transient and keeps its Retry-After', async () => {
    const response = new Response(
      JSON.stringify({ error: { message: 'slow down', type: 'rate_limit', code: 'rate_limit' } }),
      { status: 429, headers: { 'retry-after': '2' } },
    );
    const out = await readErrorAnswer(exchange(response), () => 0);
    expect(out).toMatchObject({
      ok: false,
      reason: 'http-status',
      status: 429,
      failureClass: 'transient',
      retryAfterMs: 2_000,
    });
  });

  it('marks a context-length 400 as a refusal no other attempt should repeat', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          message: 'too long',
          type: 'invalid_request_error',
          code: 'context_length_exceeded',
        },
      }),
      { status: 400 },
    );
    const out = await readErrorAnswer(exchange(response), () => 0);
    expect(out).toMatchObject({ failureClass: 'invalid-request', refusal: 'context-length' });
  });
});

describe('reading a whole answer', () => {
  it('turns the JSON body into the answer, numbered by its attempt', async () => {
    const out = await readWholeAnswer(exchange(Response.json(answer)));
    expect(out).toMatchObject({ ok: true, text: 'Hello', responseModel: 'm-2026', attempt: 2 });
  });

  it('calls a body that is not JSON malformed, quoting its start', async () => {
    const out = await readWholeAnswer(exchange(new Response('<html>oops</html>')));
    expect(out).toMatchObject({ ok: false, reason: 'stream-malformed' });
    expect(out.ok ? '' : out.message).toContain('<html>oops');
  });
});

describe('reading a stream', () => {
  it('reads the answer to its end and carries on from a prefill', async () => {
    const response = sse(chunk(' world', null), chunk('', 'stop'), '[DONE]');
    const out = await readStreamedAnswer(
      exchange(response, { text: 'Hello', attempts: [1] }),
      undefined,
    );
    expect(out).toMatchObject({ ok: true, text: 'Hello world', continues: [1] });
  });

  it('calls a stream that ends before its finish a cut, keeping the partial text', async () => {
    const out = await readStreamedAnswer(exchange(sse(chunk('Hel'))), undefined);
    expect(out).toMatchObject({ ok: false, reason: 'stream-cut', partialText: 'Hel' });
  });
});
