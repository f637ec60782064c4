import { describe, expect, it } from 'vitest';
import { engineHarness } from '../support/engine-harness.js';

function canaryWorld(canary: (call: number) => { status: number; latencyMs?: number }) {
  const h = engineHarness(
    {
      groups: {
        chat: {
          targets: ['primary/m', 'backup/m'],
          canary: { target: 'budget/m', share: '20%', minRequests: 10 },
        },
      },
      retry: { maxAttempts: 1 },
      breaker: { consecutiveFailures: 1_000 },
    },
    (p, call) => (p === 'budget' ? canary(call) : { status: 200, latencyMs: 100 }),
  );
  return h;
}

async function run(h: ReturnType<typeof engineHarness>, n: number) {
  const outcomes = [];
  for (let i = 0; i < n; i++) {
    const outcome = h.engine.handle(h.request());
    await h.clock.run();
    outcomes.push(await outcome);
  }
  return outcomes;
}

describe('canary split', () => {
  it('sends its share to the canary and promotes a canary that is as good as the primary', async () => {
    const h = canaryWorld(() => ({ status: 200, latencyMs: 80 }));
    await run(h, 200);
    const canaryCalls = h.calls.filter((c) => c.provider === 'budget').length;
    expect(canaryCalls).toBeGreaterThan(25);
    expect(canaryCalls).toBeLessThan(60);
    expect(h.engine.canaryStatus('chat')).toMatchObject({
      verdict: 'promote',
      canary: { errorRate: 0, meanLatencyMs: 80 },
      primary: { meanLatencyMs: 100 },
    });
    expect(
      h.events
        .filter((e) => e.type === 'canary:verdict')
        .map((e) => (e.type === 'canary:verdict' ? e.verdict : '')),
    ).toEqual(['promote']);
  });

  it('holds a failing canary while its callers are still served by the chain', async () => {
    const h = canaryWorld((call) =>
      call % 4 === 0 ? { status: 503 } : { status: 200, latencyMs: 80 },
    );
    const outcomes = await run(h, 200);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(h.engine.canaryStatus('chat')?.verdict).toBe('hold');
  });

  it('holds a canary that is much slower than the primary', async () => {
    const h = canaryWorld(() => ({ status: 200, latencyMs: 500 }));
    await run(h, 200);
    expect(h.engine.canaryStatus('chat')?.verdict).toBe('hold');
  });
});
