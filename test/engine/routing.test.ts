import { describe, expect, it } from 'vitest';
import { failoverConfigSchema } from '../../src/engine/config.js';
import { inAttemptOrder } from '../../src/engine/routing.js';
import type { Target } from '../../src/engine/types.js';
import { engineHarness } from '../support/engine-harness.js';

async function spread(
  h: ReturnType<typeof engineHarness>,
  n: number,
): Promise<Record<string, number>> {
  for (let i = 0; i < n; i++) h.clock.setTimer(i * 1_000, () => void h.engine.handle(h.request()));
  await h.clock.run();
  const counts: Record<string, number> = {};
  for (const call of h.calls) counts[call.provider] = (counts[call.provider] ?? 0) + 1;
  return counts;
}

describe('routing strategies', () => {
  it('priority sends everything to the first healthy target', async () => {
    const h = engineHarness({ groups: { chat: { targets: ['primary/m', 'backup/m'] } } }, () => ({
      status: 200,
    }));
    expect(await spread(h, 50)).toEqual({ primary: 50 });
  });

  it('weighted spreads first attempts by weight', async () => {
    const h = engineHarness(
      {
        groups: {
          chat: { targets: ['primary/m', 'backup/m'], strategy: 'weighted', weights: [3, 1] },
        },
      },
      () => ({ status: 200 }),
    );
    const counts = await spread(h, 400);
    expect(counts.primary! + counts.backup!).toBe(400);
    expect(counts.primary).toBeGreaterThan(260);
    expect(counts.primary).toBeLessThan(340);
  });

  it('weighted still fails over to the other targets', async () => {
    const h = engineHarness(
      {
        groups: {
          chat: { targets: ['primary/m', 'backup/m'], strategy: 'weighted', weights: [1, 1] },
        },
        retry: { maxAttempts: 1 },
      },
      (p) => (p === 'backup' ? { status: 503 } : { status: 200 }),
    );
    const outcomes = Array.from({ length: 20 }, () => h.engine.handle(h.request()));
    await h.clock.run();
    for (const outcome of await Promise.all(outcomes))
      expect(outcome).toMatchObject({ ok: true, target: { provider: 'primary' } });
  });

  it('least-latency measures each target once, then prefers the fastest', async () => {
    const h = engineHarness(
      { groups: { chat: { targets: ['primary/m', 'backup/m'], strategy: 'least-latency' } } },
      (p) => (p === 'primary' ? { status: 200, latencyMs: 500 } : { status: 200, latencyMs: 50 }),
    );
    expect(await spread(h, 30)).toEqual({ primary: 1, backup: 29 });
  });

  it('rejects weights that do not match the targets', () => {
    const result = failoverConfigSchema.safeParse({
      groups: { chat: { targets: ['a/m', 'b/m'], strategy: 'weighted', weights: [1] } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['groups', 'chat', 'weights'],
      message: 'give one weight per target (2)',
    });
  });
});

describe('cost-aware routing', () => {
  it('tries the cheapest target first, unpriced ones last, and still fails over', async () => {
    const config = {
      groups: {
        chat: { targets: ['primary/m', 'backup/m', 'budget/m'], strategy: 'cost-aware' as const },
      },
      prices: { 'primary/m': { input: 2.5, output: 10 }, 'backup/m': { input: 0.15, output: 0.6 } },
      retry: { maxAttempts: 1 },
    };
    const cheap = engineHarness(config, () => ({ status: 200 }));
    expect(await spread(cheap, 5)).toEqual({ backup: 5 });
    const down = engineHarness(config, (p) => (p === 'backup' ? { status: 503 } : { status: 200 }));
    const outcome = down.engine.handle(down.request());
    await down.clock.run();
    expect(await outcome).toMatchObject({ ok: true, target: { provider: 'primary' } });
  });
});

describe('the order a request tries targets in', () => {
  const [a, b, c] = ['a', 'b', 'c'].map((provider) => ({ provider, model: 'm' })) as [
    Target,
    Target,
    Target,
  ];

  it('passes over ejected targets while any other is healthy', () => {
    expect(inAttemptOrder([a, b, c], (t) => t !== a, undefined)).toEqual([b, c]);
  });

  it('tries every target when all are ejected, rather than none', () => {
    expect(inAttemptOrder([a, b], () => false, undefined)).toEqual([a, b]);
  });

  it('puts the canary first without trying it twice', () => {
    expect(inAttemptOrder([a, b, c], undefined, { ...c })).toEqual([c, a, b]);
  });
});
