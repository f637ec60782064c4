import { describe, expect, it } from 'vitest';
import type { ChatRequest, RequestOutcome } from '../../src/engine/types.js';
import { engineHarness } from '../support/engine-harness.js';

const ask = (id: string, content: string): ChatRequest => ({
  id,
  group: 'chat',
  messages: [{ role: 'user', content }],
  maxTokens: 16,
  stream: false,
});

function world(config: Record<string, unknown>) {
  let down = new Set<string>();
  const h = engineHarness(
    {
      groups: { chat: { targets: ['primary/m', 'backup/m'] } },
      retry: { maxAttempts: 1 },
      breaker: { consecutiveFailures: 100 },
      ...config,
    },
    (p) => (down.has(p) ? { status: 503 } : { status: 200 }),
  );
  const send = async (request: ChatRequest): Promise<RequestOutcome> => {
    const outcome = h.engine.handle(request);
    await h.clock.run();
    return outcome;
  };
  const wait = async (ms: number): Promise<void> => {
    h.clock.setTimer(ms, () => undefined);
    await h.clock.run();
  };
  return { h, send, wait, setDown: (...providers: string[]) => (down = new Set(providers)) };
}

describe('cache and degradation', () => {
  it('serves a repeated conversation from the cache within the TTL', async () => {
    const { h, send } = world({ cache: { ttl: '5m' } });
    await send(ask('a1', 'where is my order?'));
    const again = await send(ask('a2', 'where is my order?'));
    expect(again).toMatchObject({ ok: true, degraded: false, attempts: 0, text: 'hi' });
    expect(h.calls).toHaveLength(1);
    expect(h.events.filter((e) => e.type === 'cache:hit')).toHaveLength(1);
    const other = await send(ask('b1', 'where is my refund?'));
    expect(other).toMatchObject({ ok: true, attempts: 1 });
  });

  it('stops serving answers as fresh once the group fails over', async () => {
    const { h, send, setDown } = world({ cache: { ttl: '5m' } });
    await send(ask('a1', 'where is my order?'));
    setDown('primary');
    await send(ask('b1', 'something else'));
    const again = await send(ask('a2', 'where is my order?'));
    expect(again).toMatchObject({
      ok: true,
      degraded: false,
      target: { provider: 'backup' },
      attempts: 2,
    });
    expect(h.events.filter((e) => e.type === 'cache:hit')).toHaveLength(0);
  });

  it('stands in with a stale answer, then the static one, when every target is down', async () => {
    const { h, send, wait, setDown } = world({
      cache: { ttl: '1s' },
      degrade: { static: 'We are busy; an agent will reply by email.' },
    });
    await send(ask('a1', 'where is my order?'));
    setDown('primary', 'backup');
    await wait(2_000); // past the TTL: no longer fresh, still young enough to stand in
    expect(await send(ask('a2', 'where is my order?'))).toMatchObject({
      ok: true,
      degraded: true,
      text: 'hi',
      target: { provider: 'primary' },
      attempts: 2,
    });
    expect(await send(ask('b1', 'never asked before'))).toMatchObject({
      ok: true,
      degraded: true,
      text: 'We are busy; an agent will reply by email.',
      target: { provider: 'static' },
    });
    expect(
      h.events
        .filter((e) => e.type === 'answer:degraded')
        .map((e) => (e.type === 'answer:degraded' ? e.source : '')),
    ).toEqual(['stale-cache', 'static']);
  });

  it('fails plainly without a cache or a static answer, and never stands in for a refused request', async () => {
    const { send, setDown } = world({});
    setDown('primary', 'backup');
    expect(await send(ask('a1', 'hello'))).toMatchObject({ ok: false, reason: 'http-status' });
    const refused = engineHarness(
      { groups: { chat: { targets: ['primary/m'] } }, degrade: { static: 'busy' } },
      () => ({ status: 400, body: { error: { message: 'flagged', code: 'content_filter' } } }),
    );
    const outcome = refused.engine.handle(ask('c1', 'hello'));
    await refused.clock.run();
    expect(await outcome).toMatchObject({ ok: false, code: 'content_filter' });
  });
});
