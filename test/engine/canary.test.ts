import { describe, expect, it } from 'vitest';
import { CanaryJudge } from '../../src/engine/canary.js';
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

describe('the canary judge, on its own', () => {
  const options = {
    target: { provider: 'budget', model: 'm' },
    share: 0.25,
    minRequests: 2,
    maxLatencyRatio: 1.5,
    maxErrorRateDelta: 0,
  };
  const ok = (latency: number) =>
    [
      {
        ok: true as const,
        target: options.target,
        status: 200,
        text: '',
        usage: { inputTokens: 0, outputTokens: 0 },
        finishReason: 'stop',
        responseModel: 'm',
      },
      latency,
    ] as const;

  it('draws the canary arm for its share of requests', () => {
    const judge = new CanaryJudge(options);
    const draws = [0.1, 0.24, 0.25, 0.9].map((n) => judge.draw({ next: () => n }));
    expect(draws).toEqual(['canary', 'canary', 'primary', 'primary']);
  });

  it('reports a verdict only when it changes, and ignores a cancelled first attempt', () => {
    const judge = new CanaryJudge(options);
    expect(judge.observe('primary', ...ok(100))).toBeUndefined();
    const cancelled = {
      ok: false as const,
      target: options.target,
      reason: 'aborted' as const,
      failureClass: 'final' as const,
      message: 'caller left',
    };
    expect(judge.observe('canary', cancelled, 5)).toBeUndefined();
    expect(judge.status().canary.requests).toBe(0);
    expect(judge.observe('canary', ...ok(100))).toBeUndefined();
    expect(judge.observe('canary', ...ok(100))).toBe('promote');
    expect(judge.observe('canary', ...ok(100))).toBeUndefined();
  });
});
