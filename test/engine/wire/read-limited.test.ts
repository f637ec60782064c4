/**
 * A provider or gateway that answers without end fails the attempt once it has sent more than
 * any answer needs, whole, as an error body or streamed, instead of filling the caller's memory.
 */
import { describe, expect, it } from 'vitest';
import { createAttempt } from '../../../src/engine/attempt.js';
import { EventHub } from '../../../src/engine/events.js';
import type { Transport } from '../../../src/engine/transport.js';
import { MAX_RESPONSE_BYTES } from '../../../src/engine/wire/read-limited.js';
import { systemClock } from '../../../src/engine/runtime/system-clock.js';

/** A body of `chunk` repeated without end; counts what was pulled from it. */
function endless(chunk: string): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  const bytes = new TextEncoder().encode(chunk);
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += bytes.byteLength;
      controller.enqueue(bytes);
    },
  });
  return { body, pulled: () => pulled };
}

function attemptWith(transport: Transport, stream: boolean) {
  const attempt = createAttempt({
    clock: systemClock,
    transport,
    events: new EventHub(),
    endpoint: () => ({ wire: 'openai', baseUrl: 'http://gateway.test/v1' }),
  });
  return attempt({
    request: {
      id: 'req-1',
      group: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
      maxTokens: 16,
      stream,
    },
    target: { provider: 'gateway', model: 'chat' },
    signal: new AbortController().signal,
    state: { attempts: 0, deadline: Number.POSITIVE_INFINITY, startedAt: 0 },
  });
}

describe('responses past the bound', () => {
  it('fails a whole answer that never ends, having read just past the bound', async () => {
    const source = endless('a'.repeat(1 << 20));
    const outcome = await attemptWith(
      () => Promise.resolve(new Response(source.body, { status: 200 })),
      false,
    );
    expect(outcome).toMatchObject({ ok: false, reason: 'stream-malformed' });
    expect(outcome.ok ? '' : outcome.message).toMatch(
      /the answer passed 32 MiB; the rest was not read/,
    );
    expect(source.pulled()).toBeLessThan(MAX_RESPONSE_BYTES + 4 * (1 << 20));
  });

  it('refuses a declared length past the bound without reading it', async () => {
    const source = endless('a'.repeat(1 << 16));
    const outcome = await attemptWith(
      () =>
        Promise.resolve(
          new Response(source.body, {
            status: 200,
            headers: { 'content-length': String(MAX_RESPONSE_BYTES + 1) },
          }),
        ),
      false,
    );
    expect(outcome).toMatchObject({ ok: false, reason: 'stream-malformed' });
    expect(source.pulled()).toBeLessThan(1 << 20);
  });

  it('fails a stream whose event never ends', async () => {
    const source = endless(`data: {"choices":[{"delta":{"content":"${'x'.repeat(60_000)}`);
    const outcome = await attemptWith(
      () =>
        Promise.resolve(
          new Response(source.body, {
            status: 200,
            headers: { 'content-type': 'text/event-stream' },
          }),
        ),
      true,
    );
    expect(outcome).toMatchObject({ ok: false, reason: 'stream-malformed' });
    expect(outcome.ok ? '' : outcome.message).toMatch(/the stream passed 32 MiB/);
  });

  it('treats an endless error body as its status alone', async () => {
    const source = endless('e'.repeat(1 << 20));
    const outcome = await attemptWith(
      () => Promise.resolve(new Response(source.body, { status: 503 })),
      false,
    );
    expect(outcome).toMatchObject({ ok: false, reason: 'http-status', status: 503 });
  });
});
