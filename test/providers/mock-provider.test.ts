import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { SleepAbortedError } from '../../src/engine/clock.js';
import { withAttemptSignal } from '../../src/providers/attempt-signal.js';
import { buildTimeline } from '../../src/providers/fault-timeline.js';
import { createMockProvider } from '../../src/providers/mock-provider.js';
import { networkErrorCode } from '../../src/providers/network-error.js';
import { ProviderModel } from '../../src/providers/provider-model.js';
import type { BillingRecord } from '../../src/providers/response-plan.js';
import { answerSlice } from '../../src/providers/wire-renderer.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { seededRng } from '../../src/seeded-rng.js';
import { VirtualClock } from '../../src/simulator/virtual-clock.js';
import { scenarioYaml, writeTemp } from '../support/helpers.js';

function provider(name: 'primary' | 'backup', faults = '', providerLine = '') {
  const latency =
    name === 'primary'
      ? 'latency: { ttft: 200ms, tokensPerSecond: 100 }'
      : 'latency: { ttft: 300ms, tokensPerSecond: 80 }';
  const text = scenarioYaml({
    replace: [
      ...(providerLine === ''
        ? []
        : ([[latency, `${latency}\n    ${providerLine}`]] as [string, string][])),
      [
        scenarioYaml().slice(
          scenarioYaml().indexOf('faults:'),
          scenarioYaml().indexOf('failover:'),
        ),
        `faults:\n${faults || '  []'}\n`,
      ],
    ],
  });
  const scenario = loadScenario(writeTemp('s.yaml', text));
  const clock = new VirtualClock(0);
  const bills: BillingRecord[] = [];
  const model = new ProviderModel(
    name,
    scenario.providers[name]!,
    buildTimeline(scenario.faults).filter((f) => f.provider === name),
    seededRng(1, name),
    0,
  );
  const baseUrl = `https://${name}.test/v1`;
  const handlers = createMockProvider({ model, clock, baseUrl, onBill: (b) => bills.push(b) });
  const send = async (
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ response: Response; text: string; at: number }> => {
    const request = new Request(`${baseUrl}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
    const pending = getResponse(handlers, request).then(async (response) => {
      if (response === undefined) throw new Error('no handler');
      const text = response.type === 'error' ? '' : await response.text();
      return { response, text, at: clock.now() };
    });
    await clock.run();
    return pending;
  };
  return { clock, send, bills, handlers, baseUrl };
}

/**
 * Streams a chat request from `p` to its end or its break: the text read, the error that broke
 * it, when the last bytes came and when the stream ended, in drill time.
 */
async function readStream(
  p: ReturnType<typeof provider>,
  body: unknown,
): Promise<{ text: string; error: unknown; lastAt: number; at: number }> {
  const request = new Request(`${p.baseUrl}/chat/completions`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  const pending = getResponse(p.handlers, request).then(async (r) => {
    const reader = r!.body!.getReader();
    let text = '';
    let lastAt = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return { text, lastAt, error: undefined, at: p.clock.now() };
        text += new TextDecoder().decode(value);
        lastAt = p.clock.now();
      }
    } catch (error) {
      return { text, lastAt, error, at: p.clock.now() };
    }
  });
  await p.clock.run();
  return pending;
}

/** The tiny scenario's primary with one more line in its provider block, and no faults. */
function primaryWith(line: string) {
  const text = scenarioYaml({
    replace: [
      [
        'latency: { ttft: 200ms, tokensPerSecond: 100 }\n  backup',
        `latency: { ttft: 200ms, tokensPerSecond: 100 }\n    ${line}\n  backup`,
      ],
    ],
  });
  const scenario = loadScenario(writeTemp('s.yaml', text));
  const clock = new VirtualClock(0);
  const model = new ProviderModel('primary', scenario.providers.primary!, [], seededRng(1, 'p'), 0);
  return {
    clock,
    handlers: createMockProvider({ model, clock, baseUrl: 'https://primary.test/v1' }),
  };
}

const openAiBody = (extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: `Answer in 40 tokens. ${'x'.repeat(379)}` }],
  ...extra,
});
const anthropicBody = (extra: Record<string, unknown> = {}) => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  messages: [{ role: 'user', content: `Answer in 40 tokens. ${'x'.repeat(379)}` }],
  ...extra,
});

describe('mock providers', () => {
  it.each([-5, 0, 1.5, 1e300])('refuses max_tokens %s with a 400 on both wires', async (max) => {
    const openai = await provider('primary').send(
      '/chat/completions',
      openAiBody({ max_tokens: max }),
    );
    expect(openai.response.status).toBe(400);
    expect(JSON.parse(openai.text).error.type).toBe('invalid_request_error');
    const anthropic = await provider('backup').send(
      '/messages',
      anthropicBody({ max_tokens: max }),
    );
    expect(anthropic.response.status).toBe(400);
    expect(JSON.parse(anthropic.text).error.message).toMatch(/^max_tokens: /);
  });

  it('answers an OpenAI chat completion with usage, after ttft plus output time', async () => {
    const p = provider('primary');
    const { response, text, at } = await p.send('/chat/completions', openAiBody(), {
      'x-client-request-id': 'req-1#1',
    });
    const body = JSON.parse(text);
    expect(response.status).toBe(200);
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o',
      choices: [{ finish_reason: 'stop', message: { role: 'assistant' } }],
      usage: { prompt_tokens: 100, completion_tokens: 40, total_tokens: 140 },
    });
    expect(at).toBeCloseTo(200 + 400, 6);
    expect(p.bills).toEqual([
      expect.objectContaining({
        attemptId: 'req-1#1',
        inputTokens: 100,
        outputTokens: 40,
        costUsd: (100 * 2.5 + 40 * 10) / 1e6,
      }),
    ]);
  });

  it('streams OpenAI SSE chunks with include_usage and [DONE]', async () => {
    const p = provider('primary');
    const { response, text } = await p.send(
      '/chat/completions',
      openAiBody({ stream: true, stream_options: { include_usage: true } }),
    );
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const data = text
      .split('\n\n')
      .filter((f) => f.startsWith('data: '))
      .map((f) => f.slice(6));
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 40 } });
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toHaveLength(160);
  });

  it('streams Anthropic named events from message_start to message_stop', async () => {
    const p = provider('backup');
    const { text } = await p.send('/messages', anthropicBody({ stream: true }));
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('message_start');
    expect(events).toContain('content_block_delta');
    expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(text).toMatch(/"stop_reason":"end_turn"/);
  });

  it("reports usage with each API's token details and cache fields, zero where not modelled", async () => {
    const openai = JSON.parse(
      (await provider('primary').send('/chat/completions', openAiBody())).text,
    );
    expect(openai.usage).toEqual({
      prompt_tokens: 100,
      completion_tokens: 40,
      total_tokens: 140,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    });
    const cache = { cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const anthropic = JSON.parse(
      (await provider('backup').send('/messages', anthropicBody())).text,
    );
    expect(anthropic.usage).toEqual({
      input_tokens: anthropic.usage.input_tokens,
      ...cache,
      output_tokens: anthropic.usage.output_tokens,
    });
    const streamed = (await provider('backup').send('/messages', anthropicBody({ stream: true })))
      .text;
    const start = JSON.parse(/^event: message_start\ndata: (.*)$/m.exec(streamed)?.[1] ?? '{}');
    expect(start.message.usage).toMatchObject(cache);
  });

  it('answers a 429 storm with Retry-After and rate-limit headers in each wire format', async () => {
    const fault =
      '  - { kind: rate-limit, target: primary, retryAfter: 2s }\n  - { kind: rate-limit, target: backup, retryAfter: 3s }';
    const openai = await provider('primary', fault).send('/chat/completions', openAiBody());
    expect(openai.response.status).toBe(429);
    expect(openai.response.headers.get('retry-after')).toBe('2');
    expect(openai.response.headers.get('retry-after-ms')).toBe('2000');
    expect(JSON.parse(openai.text)).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    const anthropic = await provider('backup', fault).send('/messages', anthropicBody());
    expect(anthropic.response.status).toBe(429);
    expect(anthropic.response.headers.get('retry-after')).toBe('3');
    expect(JSON.parse(anthropic.text)).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.any(String) },
    });
  });

  it('says the bucket is empty on a 429 a fault injected, resetting no sooner than Retry-After', async () => {
    const limits = 'rateLimits: { rpm: 600, tpm: 1000000 }';
    const openai = await provider(
      'primary',
      '  - { kind: rate-limit, target: primary, retryAfter: 20s }',
      limits,
    ).send('/chat/completions', openAiBody());
    expect(openai.response.status).toBe(429);
    expect(openai.response.headers.get('x-ratelimit-limit-requests')).toBe('600');
    expect(openai.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(openai.response.headers.get('x-ratelimit-reset-requests')).toBe('20s');
    expect(Number(openai.response.headers.get('x-ratelimit-remaining-tokens'))).toBeGreaterThan(0);
    const anthropic = await provider(
      'backup',
      '  - { kind: rate-limit, target: backup, retryAfter: 20s }',
      limits,
    ).send('/messages', anthropicBody());
    expect(anthropic.response.status).toBe(429);
    expect(anthropic.response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    const reset = Date.parse(anthropic.response.headers.get('anthropic-ratelimit-requests-reset')!);
    expect(reset - anthropic.at).toBeGreaterThanOrEqual(19_000);
  });

  it('meters RPM with a token bucket and says when it resets', async () => {
    const { clock, handlers } = primaryWith('rateLimits: { rpm: 2 }');
    const statuses: Response[] = [];
    for (let i = 0; i < 3; i++) {
      const pending = getResponse(
        handlers,
        new Request('https://primary.test/v1/chat/completions', {
          method: 'POST',
          body: JSON.stringify(openAiBody()),
        }),
      );
      void pending.then((r) => r && statuses.push(r));
    }
    await clock.run();
    const limited = statuses.find((r) => r.status === 429);
    expect(statuses.filter((r) => r.status === 200)).toHaveLength(2);
    expect(limited?.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(Number(limited?.headers.get('retry-after-ms'))).toBeCloseTo(30_000, -2);
  });

  it('renders quota exhaustion, bad keys and refusals as the real error bodies', async () => {
    const quota = await provider('primary', '  - { kind: quota-exhausted, target: primary }').send(
      '/chat/completions',
      openAiBody(),
    );
    expect(quota.response.status).toBe(429);
    expect(JSON.parse(quota.text)).toMatchObject({
      error: { code: 'insufficient_quota', type: 'insufficient_quota' },
    });
    // Anthropic's answer, as its API sends it (e.g. anthropics/claude-code#66314).
    const credit = await provider('backup', '  - { kind: quota-exhausted, target: backup }').send(
      '/messages',
      anthropicBody(),
    );
    expect(credit.response.status).toBe(400);
    expect(JSON.parse(credit.text)).toMatchObject({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: expect.stringContaining('credit balance is too low'),
      },
    });
    const key = await provider('backup', '  - { kind: invalid-key, target: backup }').send(
      '/messages',
      anthropicBody(),
    );
    expect(key.response.status).toBe(401);
    expect(JSON.parse(key.text)).toMatchObject({ error: { type: 'authentication_error' } });
    const ctx = await provider(
      'primary',
      '  - { kind: context-length-exceeded, target: primary }',
    ).send('/chat/completions', openAiBody());
    expect(JSON.parse(ctx.text)).toMatchObject({ error: { code: 'context_length_exceeded' } });
    const overloaded = await provider(
      'backup',
      '  - { kind: outage, target: backup, status: 529 }',
    ).send('/messages', anthropicBody());
    expect(overloaded.response.status).toBe(529);
    expect(JSON.parse(overloaded.text)).toMatchObject({ error: { type: 'overloaded_error' } });
  });

  it('drops the connection for reset and refused outages', async () => {
    const reset = await provider(
      'primary',
      '  - { kind: outage, target: primary, status: reset }',
    ).send('/chat/completions', openAiBody());
    expect(networkErrorCode(reset.response)).toBe('ECONNRESET');
    const refused = await provider(
      'primary',
      '  - { kind: outage, target: primary, status: refused }',
    ).send('/chat/completions', openAiBody());
    expect(networkErrorCode(refused.response)).toBe('ECONNREFUSED');
    expect(refused.at).toBe(0);
  });

  it('streams events of chunkTokens tokens, split where a fault lands', async () => {
    const contents = (text: string): string[] =>
      text
        .split('\n')
        .filter((l) => l.startsWith('data: {'))
        .map((l) => JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] })
        .flatMap((c) => (c.choices[0]?.delta.content ? [c.choices[0].delta.content] : []));
    // 40 tokens, four characters a token: five events of eight tokens by default.
    const whole = await readStream(provider('primary'), openAiBody({ stream: true }));
    expect(contents(whole.text).map((t) => t.length)).toEqual(Array(5).fill(32));
    const single = await readStream(
      provider('primary', '', 'chunkTokens: 1'),
      openAiBody({ stream: true }),
    );
    expect(contents(single.text)).toHaveLength(40);
    // A cut after 5 tokens sends them, as an event of four and one of one.
    const cut = await readStream(
      provider(
        'primary',
        '  - { kind: stream-cut, target: primary, afterTokens: 5 }',
        'chunkTokens: 4',
      ),
      openAiBody({ stream: true }),
    );
    expect(contents(cut.text).map((t) => t.length)).toEqual([16, 4]);
    expect(cut.error).toBeInstanceOf(TypeError);
  });

  it('writes the first content event as soon as its tokens are out, then up to a second of tokens a write', async () => {
    // 40 tokens at 100 a second, events of 8: the first event alone 80 ms after the head, then
    // writes of 16 tokens (a quarter of the answer, at least 16), each as its last token is out.
    const p = provider('primary');
    const request = new Request(`${p.baseUrl}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(openAiBody({ stream: true })),
    });
    const writes: { at: number; tokens: number }[] = [];
    const pending = getResponse(p.handlers, request).then(async (r) => {
      const reader = r!.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        const chars = new TextDecoder()
          .decode(value)
          .split('\n')
          .filter((l) => l.startsWith('data: {'))
          .map((l) => JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] })
          .reduce((n, c) => n + (c.choices[0]?.delta.content?.length ?? 0), 0);
        writes.push({ at: p.clock.now(), tokens: chars / 4 });
      }
    });
    await p.clock.run();
    await pending;
    const content = writes.filter((w) => w.tokens > 0);
    expect(content.map((w) => w.tokens)).toEqual([8, 16, 16]);
    const head = writes[0]?.at ?? 0;
    expect(content.map((w) => Math.round(w.at - head))).toEqual([80, 240, 400]);
  });

  it('sends a malformed chunk as the Nth content event with atEvent', async () => {
    for (const [chunkTokens, atEvent] of [
      [4, 3],
      [1, 1],
    ] as const) {
      const { text } = await readStream(
        provider(
          'primary',
          `  - { kind: malformed-chunk, target: primary, atEvent: ${atEvent} }`,
          `chunkTokens: ${chunkTokens}`,
        ),
        openAiBody({ stream: true }),
      );
      const content = text
        .split('\n\n')
        .filter((frame) => frame.startsWith('data: {') && !frame.includes('"role"'))
        .filter((frame) => frame.includes('"content"'));
      expect(content[atEvent - 1]).toMatch(/"content":"tru$/);
      expect(content.slice(0, atEvent - 1).every((f) => /"content":"[^"]+"}/.test(f))).toBe(true);
    }
  });

  it('cuts a stream after N tokens and bills only what was sent', async () => {
    const p = provider('primary', '  - { kind: stream-cut, target: primary, afterTokens: 16 }');
    const { text, error } = await readStream(p, openAiBody({ stream: true }));
    expect(error).toBeInstanceOf(TypeError);
    expect(text).not.toContain('[DONE]');
    expect(p.bills).toEqual([expect.objectContaining({ outputTokens: 16 })]);
  });

  it('closes a hang after closeAfter, as an idle timeout on the way does', async () => {
    const closed = await provider(
      'primary',
      '  - { kind: hang, target: primary, closeAfter: 45s }',
    ).send('/chat/completions', openAiBody());
    expect(networkErrorCode(closed.response)).toBe('ECONNRESET');
    expect(closed.at).toBe(45_000);
  });

  it.each(['handed beside it in process', "the request's own"])(
    'stops a hung attempt when its signal aborts: %s',
    async (signalled) => {
      const p = provider('primary', '  - { kind: hang, target: primary }');
      const controller = new AbortController();
      const init = {
        method: 'POST',
        body: JSON.stringify(openAiBody()),
        headers: { 'content-type': 'application/json' },
      };
      const url = `${p.baseUrl}/chat/completions`;
      const request =
        signalled === "the request's own"
          ? new Request(url, { ...init, signal: controller.signal })
          : withAttemptSignal(new Request(url, init), controller.signal);
      let outcome: unknown = 'pending';
      void getResponse(p.handlers, request).then(
        () => (outcome = 'answered'),
        (error: unknown) => (outcome = error),
      );
      p.clock.setTimer(30_000, () => controller.abort(new Error('timed out')));
      await p.clock.run();
      await new Promise((resolve) => setImmediate(resolve));
      expect(outcome).toBeInstanceOf(SleepAbortedError);
      expect(p.clock.now()).toBe(30_000);
    },
  );

  it('dates every response by its own clock, so created, resets and the date agree', async () => {
    const p = provider('backup', '', 'rateLimits: { rpm: 60 }');
    const answer = await p.send('/messages', anthropicBody());
    const date = Date.parse(answer.response.headers.get('date')!);
    // The answer was sent 300 ms plus its output time into a drill that starts at the epoch.
    expect(date).toBe(Math.floor(answer.at / 1_000) * 1_000);
    const reset = Date.parse(answer.response.headers.get('anthropic-ratelimit-requests-reset')!);
    expect(reset - date).toBeGreaterThanOrEqual(0);
    expect(reset - date).toBeLessThanOrEqual(60_000);
    expect(answer.response.headers.has('openai-processing-ms')).toBe(false);
  });

  it('says how long an OpenAI response took in openai-processing-ms', async () => {
    const whole = await provider('primary').send('/chat/completions', openAiBody());
    // 200 ms to the first token, 40 tokens at 10 ms: the whole body at 600 ms.
    expect(whole.response.headers.get('openai-processing-ms')).toBe(String(whole.at));
    const failed = await provider('primary', '  - { kind: outage, target: primary }').send(
      '/chat/completions',
      openAiBody(),
    );
    expect(failed.response.headers.get('openai-processing-ms')).toBe(String(failed.at));
    expect(failed.response.headers.get('date')).toBe(new Date(failed.at).toUTCString());
  });

  /** The status of each chat request sent in turn: its headers, and the model it asks for. */
  async function statusesOf(
    p: ReturnType<typeof provider>,
    sends: readonly { headers?: Record<string, string>; model?: string }[],
  ): Promise<number[]> {
    const out: number[] = [];
    for (const { headers = {}, model } of sends) {
      const body = openAiBody(model === undefined ? {} : { model });
      out.push((await p.send('/chat/completions', body, headers)).response.status);
    }
    return out;
  }
  const ids = (...attemptIds: string[]) =>
    attemptIds.map((id) => ({ headers: { 'x-client-request-id': id } }));

  it('aims a fault at attempts: the first attempt of each request fails, its retry answers', async () => {
    const p = provider(
      'primary',
      '  - { kind: outage, target: primary/gpt-4o, status: 500, attempts: 1 }',
    );
    expect(await statusesOf(p, ids('req-1#1', 'req-1#2', 'req-2#1', 'req-1#3', 'req-2#2'))).toEqual(
      [500, 200, 500, 200, 200],
    );
  });

  it('counts attempts on the fault target: a provider fault sees every model, a model fault one', async () => {
    // gpt-4o, then a model the provider lacks (a 404, still an attempt on the provider), then gpt-4o.
    const sends = ids('req-1#1', 'req-1#2', 'req-1#3').map((send, i) => ({
      ...send,
      model: i === 1 ? 'gpt-5' : 'gpt-4o',
    }));
    const statuses = (target: string): Promise<number[]> =>
      statusesOf(
        provider('primary', `  - { kind: outage, target: ${target}, attempts: 2 }`),
        sends,
      );
    expect(await statuses('primary')).toEqual([200, 404, 200]);
    expect(await statuses('primary/gpt-4o')).toEqual([200, 404, 503]);
  });

  it('aims a fault at requests by their drill number, and numbers unnamed ones by arrival', async () => {
    const named = provider('primary', '  - { kind: outage, target: primary, requests: 2-3 }');
    expect(
      await statusesOf(named, ids('req-1#1', 'req-2#1', 'req-3#1', 'req-3#2', 'req-4#1')),
    ).toEqual([200, 503, 503, 503, 200]);
    const unnamed = provider('primary', '  - { kind: outage, target: primary, requests: 2- }');
    expect(await statusesOf(unnamed, [{}, {}, {}])).toEqual([200, 503, 503]);
  });

  it("takes an SDK's retry count for the attempt when the request names no drill id", async () => {
    const p = provider('primary', '  - { kind: rate-limit, target: primary, attempts: 1-2 }');
    const retries = ['0', '1', '2'].map((n) => ({ headers: { 'x-stainless-retry-count': n } }));
    expect(await statusesOf(p, retries)).toEqual([429, 429, 200]);
  });

  it('drops a stalled stream after its stall with then: close, billing what was sent', async () => {
    const p = provider(
      'primary',
      '  - { kind: stream-stall, target: primary, afterTokens: 16, stall: 20s, then: close }',
    );
    const { text, lastAt, error, at } = await readStream(p, openAiBody({ stream: true }));
    expect(error).toBeInstanceOf(TypeError);
    expect(text).not.toContain('[DONE]');
    // 200 ms to the first token, 10 ms a token: the 16th at 360 ms, the drop 20 s later.
    expect(lastAt).toBe(360);
    expect(at).toBe(20_360);
    expect(p.bills).toEqual([expect.objectContaining({ outputTokens: 16 })]);

    const whole = await provider(
      'primary',
      '  - { kind: stream-stall, target: primary, afterTokens: 16, stall: 20s, then: close }',
    ).send('/chat/completions', openAiBody());
    expect(networkErrorCode(whole.response)).toBe('ECONNRESET');
    expect(whole.at).toBe(20_360);
  });

  it('ends an OpenAI stream with usage only when include_usage asks for it', async () => {
    const { text } = await provider('primary').send(
      '/chat/completions',
      openAiBody({ stream: true }),
    );
    expect(text).not.toContain('"usage"');
    expect(text).toContain('"finish_reason":"stop"');
    expect(text).toContain('data: [DONE]');
  });

  it('sends usage but never [DONE] for stream-no-done, and holds the connection open', async () => {
    const p = provider('primary', '  - { kind: stream-no-done, target: primary }');
    const decoder = new TextDecoder();
    let text = '';
    let closed = false;
    let reader!: ReadableStreamDefaultReader<Uint8Array>;
    const reading = getResponse(
      p.handlers,
      new Request(`${p.baseUrl}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify(openAiBody({ stream: true, stream_options: { include_usage: true } })),
      }),
    ).then(async (response) => {
      reader = response!.body!.getReader();
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) {
          closed = true;
          return;
        }
        text += decoder.decode(chunk.value);
      }
    });
    await p.clock.run();
    expect(text).toContain('"usage"');
    expect(text).not.toContain('[DONE]');
    expect(closed).toBe(false);
    await reader.cancel();
    await reading;
    expect(p.bills).toEqual([expect.objectContaining({ outputTokens: 40 })]);
  });

  it('continues an assistant prefill where it stops, when the provider supports prefill', async () => {
    const { clock, handlers } = primaryWith('prefill: true');
    const prefill = answerSlice(0, 60);
    const pending = getResponse(
      handlers,
      new Request('https://primary.test/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify({
          ...openAiBody(),
          messages: [
            ...openAiBody().messages,
            { role: 'assistant', content: prefill, prefix: true },
          ],
        }),
      }),
    ).then(
      (r) =>
        r!.json() as Promise<{
          usage: { completion_tokens: number };
          choices: { message: { content: string } }[];
        }>,
    );
    await clock.run();
    const body = await pending;
    expect(body.usage.completion_tokens).toBe(25);
    expect(prefill + body.choices[0]?.message.content).toBe(answerSlice(0, 160));
  });

  it('refuses an assistant prefill with a 400 when the provider does not support it', async () => {
    const p = provider('backup');
    const { response, text } = await p.send(
      '/messages',
      anthropicBody({
        messages: [...anthropicBody().messages, { role: 'assistant', content: 'The order' }],
      }),
    );
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.stringMatching(/prefill/) },
    });
  });

  it('sends an unparseable chunk for malformed-chunk', async () => {
    const { text } = await provider(
      'primary',
      '  - { kind: malformed-chunk, target: primary, afterTokens: 16 }',
    ).send('/chat/completions', openAiBody({ stream: true }));
    const bad = text
      .split('\n\n')
      .filter((f) => f.startsWith('data: ') && f !== 'data: [DONE]')
      .filter((f) => {
        try {
          JSON.parse(f.slice(6));
          return false;
        } catch {
          return true;
        }
      });
    expect(bad).toHaveLength(1);
  });

  it('adds cold-start latency to the first request after idling', async () => {
    const { clock, handlers } = primaryWith('coldStart: { idleAfter: 5m, extra: 3s }');
    const times: number[] = [];
    const send = (at: number): void => {
      clock.setTimer(at - clock.now(), () => {
        const start = clock.now();
        void getResponse(
          handlers,
          new Request('https://primary.test/v1/chat/completions', {
            method: 'POST',
            body: JSON.stringify(openAiBody()),
          }),
        ).then(() => times.push(clock.now() - start));
      });
    };
    send(0);
    send(10_000);
    send(10 * 60_000);
    await clock.run();
    expect(times).toEqual([3_600, 600, 3_600]);
  });

  it('answers 404 for a model it does not serve', async () => {
    const { response, text } = await provider('primary').send(
      '/chat/completions',
      openAiBody({ model: 'gpt-9' }),
    );
    expect(response.status).toBe(404);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'model_not_found' } });
  });

  it('lists models in each wire format', async () => {
    const p = provider('backup');
    const pending = getResponse(p.handlers, new Request(`${p.baseUrl}/models`));
    await p.clock.run();
    const body = await (await pending)!.json();
    expect(body).toMatchObject({
      data: [{ type: 'model', id: 'claude-sonnet-4-5' }],
      has_more: false,
    });
  });
});
