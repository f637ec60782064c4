import { describe, expect, it } from 'vitest';
import { engineHarness } from '../../support/engine-harness.js';

const three = {
  groups: { chat: { targets: ['primary/m', 'backup/m', 'budget/m'] } },
  retry: { maxAttempts: 1 },
};

describe('client-side rate limit', () => {
  it('keeps the backup under its RPM and sends the overflow down the chain', async () => {
    const h = engineHarness(
      { ...three, rateLimit: { perProvider: { backup: { rpm: 60 } } } },
      (p) => (p === 'primary' ? { status: 503 } : { status: 200 }),
    );
    const outcomes = Array.from({ length: 100 }, () => h.engine.handle(h.request()));
    await h.clock.run();
    const served = (await Promise.all(outcomes)).map((o) => (o.ok ? o.target.provider : o.reason));
    expect(served.filter((p) => p === 'backup')).toHaveLength(60);
    expect(served.filter((p) => p === 'budget')).toHaveLength(40);
    expect(h.events.filter((e) => e.type === 'rate-limit:shed')).toHaveLength(40);
  });

  it('waits for capacity when the wait is short, in arrival order', async () => {
    const h = engineHarness(
      {
        groups: { chat: { targets: ['primary/m'] } },
        rateLimit: { perProvider: { primary: { rpm: 60 } }, maxWait: '2s' },
      },
      () => ({ status: 200 }),
    );
    const outcomes = Array.from({ length: 63 }, () => h.engine.handle(h.request()));
    await h.clock.run();
    const results = await Promise.all(outcomes);
    expect(results.filter((o) => o.ok)).toHaveLength(62);
    expect(results[62]).toMatchObject({ ok: false, reason: 'shed' });
    expect(h.calls.slice(59).map((c) => c.at)).toEqual([0, 1_000, 2_000]);
  });

  it('meters tokens per minute from the prompt and max_tokens', async () => {
    // Each request counts ceil(5 / 4) + 16 = 18 tokens: a TPM of 100 lets five through.
    const h = engineHarness(
      {
        groups: { chat: { targets: ['primary/m'] } },
        rateLimit: { perProvider: { primary: { tpm: 100 } } },
      },
      () => ({ status: 200 }),
    );
    const outcomes = Array.from({ length: 8 }, () => h.engine.handle(h.request()));
    await h.clock.run();
    expect((await Promise.all(outcomes)).filter((o) => o.ok)).toHaveLength(5);
  });
});
