import { describe, expect, it } from 'vitest';
import { engineHarness, one } from '../support/engine-harness.js';

const chain = {
  groups: { chat: { targets: ['primary/m', 'backup/m'] } },
  retry: { maxAttempts: 1 },
};

describe('hedging', () => {
  it('sends a second attempt to the next target when the first is slow, and cancels the loser', async () => {
    const h = engineHarness({ ...chain, hedge: { delay: '500ms' } }, (p) =>
      p === 'primary' ? { status: 200, latencyMs: 3_000 } : { status: 200, latencyMs: 200 },
    );
    const outcome = await one(h);
    expect(outcome).toMatchObject({
      ok: true,
      target: { provider: 'backup' },
      latencyMs: 700,
      attempt: 2,
      attempts: 2,
    });
    expect(h.calls.map((c) => `${c.provider}@${c.at}`)).toEqual(['primary@0', 'backup@500']);
    expect(h.events.filter((e) => e.type === 'hedge:start')).toHaveLength(1);
    expect(
      h.events.find((e) => e.type === 'attempt:end' && e.target.provider === 'primary'),
    ).toMatchObject({ ok: false, reason: 'aborted', at: 700 });
    expect(h.engine.breakerState({ provider: 'primary', model: 'm' })).toBe('closed');
  });

  it('does not hedge a first target that answers in time', async () => {
    const h = engineHarness({ ...chain, hedge: { delay: '500ms' } }, () => ({
      status: 200,
      latencyMs: 100,
    }));
    expect(await one(h)).toMatchObject({ ok: true, target: { provider: 'primary' } });
    expect(h.calls).toHaveLength(1);
  });

  it('fails over as usual when the first target fails before the hedge delay', async () => {
    const h = engineHarness({ ...chain, hedge: { delay: '500ms' } }, (p) =>
      p === 'primary' ? { status: 503 } : { status: 200 },
    );
    expect(await one(h)).toMatchObject({ ok: true, target: { provider: 'backup' }, latencyMs: 20 });
    expect(h.events.filter((e) => e.type === 'hedge:start')).toHaveLength(0);
    expect(h.events.filter((e) => e.type === 'failover')).toHaveLength(1);
  });

  it('keeps the other leg when the hedge itself fails', async () => {
    const h = engineHarness({ ...chain, hedge: { delay: '500ms' } }, (p) =>
      p === 'primary' ? { status: 200, latencyMs: 2_000 } : { status: 503, latencyMs: 100 },
    );
    expect(await one(h)).toMatchObject({
      ok: true,
      target: { provider: 'primary' },
      latencyMs: 2_000,
    });
  });

  it('hedges at a percentile of the first target once it has enough answers', async () => {
    let slow = false;
    const h = engineHarness({ ...chain, hedge: { delay: '5s', percentile: 95 } }, (p) =>
      p === 'primary'
        ? { status: 200, latencyMs: slow ? 10_000 : 100 }
        : { status: 200, latencyMs: 100 },
    );
    for (let i = 0; i < 12; i++) await one(h);
    slow = true;
    // The 95th percentile of the last answers is 100 ms, not the 5 s fallback.
    expect(await one(h)).toMatchObject({
      ok: true,
      target: { provider: 'backup' },
      latencyMs: 200,
    });
  });
});
