import { describe, expect, it } from 'vitest';
import { engineHarness } from '../../support/engine-harness.js';

const three = {
  groups: { chat: { targets: ['primary/m', 'backup/m', 'budget/m'] } },
  retry: { maxAttempts: 1 },
};

describe('bulkhead', () => {
  it('bounds the load a failover puts on the backup, sending the rest further down the chain', async () => {
    const h = engineHarness(
      { ...three, bulkhead: { maxConcurrent: 50, perProvider: { backup: 5 } } },
      (p) => (p === 'primary' ? { status: 503 } : { status: 200, latencyMs: 200 }),
    );
    const outcomes = Array.from({ length: 20 }, () => h.engine.handle(h.request()));
    await h.clock.run();
    const served = (await Promise.all(outcomes)).map((o) => (o.ok ? o.target.provider : o.reason));
    expect(served.filter((p) => p === 'backup')).toHaveLength(5);
    expect(served.filter((p) => p === 'budget')).toHaveLength(15);
    // Shed attempts never reach the wire: no attempt events, one shed event each.
    expect(h.events.filter((e) => e.type === 'bulkhead:shed')).toHaveLength(15);
    expect(h.calls.filter((c) => c.provider === 'backup')).toHaveLength(5);
  });

  it('queues attempts up to the wait limit, then serves them in turn', async () => {
    const h = engineHarness(
      {
        groups: { chat: { targets: ['primary/m'] } },
        bulkhead: { maxConcurrent: 1, queue: 10, maxWait: '1s' },
      },
      () => ({ status: 200, latencyMs: 100 }),
    );
    const outcomes = Array.from({ length: 5 }, () => h.engine.handle(h.request()));
    await h.clock.run();
    expect((await Promise.all(outcomes)).every((o) => o.ok)).toBe(true);
    expect(h.calls.map((c) => c.at)).toEqual([0, 100, 200, 300, 400]);
  });

  it('sheds what waits too long, and never opens the breaker for it', async () => {
    const h = engineHarness(
      {
        groups: { chat: { targets: ['primary/m'] } },
        retry: { maxAttempts: 1 },
        bulkhead: { maxConcurrent: 1, queue: 10, maxWait: '150ms' },
        breaker: { consecutiveFailures: 1 },
      },
      () => ({ status: 200, latencyMs: 100 }),
    );
    const outcomes = await (async () => {
      const pending = Array.from({ length: 4 }, () => h.engine.handle(h.request()));
      await h.clock.run();
      return Promise.all(pending);
    })();
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.reason))).toEqual(['ok', 'ok', 'shed', 'shed']);
    expect(h.engine.breakerState({ provider: 'primary', model: 'm' })).toBe('closed');
  });
});
