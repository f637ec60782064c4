import { describe, expect, it } from 'vitest';
import { failoverConfigSchema } from '../../src/engine/config.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { scenarioYaml, writeTemp } from '../support/helpers.js';
import { engineHarness } from '../support/engine-harness.js';

// Every answer of the harness uses 3 input tokens: at $1M per million input tokens, $3 an answer.
const prices = {
  'primary/m': { input: 1_000_000, output: 0 },
  'budget/m': { input: 0, output: 0 },
};

async function sequence(h: ReturnType<typeof engineHarness>, n: number, everyMs = 1_000) {
  const outcomes: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++)
    h.clock.setTimer(i * everyMs, () => void outcomes.push(h.engine.handle(h.request())));
  await h.clock.run();
  return Promise.all(outcomes) as Promise<
    { ok: boolean; reason?: string; target?: { provider: string } }[]
  >;
}

describe('budget guard', () => {
  it('rejects requests once the window spend reaches the limit, and again allows them later', async () => {
    const h = engineHarness(
      {
        groups: { chat: { targets: ['primary/m'] } },
        budget: { window: '1m', maxUsd: 10, action: 'reject' },
        prices,
      },
      () => ({ status: 200 }),
    );
    const first = await sequence(h, 6);
    expect(first.map((o) => (o.ok ? 'ok' : o.reason))).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'over-budget',
      'over-budget',
    ]);
    expect(h.events.filter((e) => e.type === 'budget:action')).toHaveLength(2);
    h.clock.setTimer(2 * 60_000, () => undefined);
    await h.clock.run();
    expect((await sequence(h, 1))[0]).toMatchObject({ ok: true });
  });

  it('downgrades to the cheaper group instead, when configured', async () => {
    const h = engineHarness(
      {
        groups: { chat: { targets: ['primary/m'] }, cheap: { targets: ['budget/m'] } },
        budget: { window: '1h', maxUsd: 6, action: 'downgrade', downgradeTo: 'cheap' },
        prices,
      },
      () => ({ status: 200 }),
    );
    const outcomes = await sequence(h, 5);
    expect(outcomes.map((o) => o.target?.provider)).toEqual([
      'primary',
      'primary',
      'budget',
      'budget',
      'budget',
    ]);
  });

  it('refuses a downgrade group that does not exist', () => {
    const result = failoverConfigSchema.safeParse({
      groups: { chat: { targets: ['a/m'] } },
      budget: { maxUsd: 5, action: 'downgrade', downgradeTo: 'nope' },
    });
    expect(result.error?.issues[0]).toMatchObject({
      path: ['budget', 'downgradeTo'],
      message: 'model group "nope" is not defined in groups',
    });
  });

  it('meters a drill at the scenario prices when the config gives none', async () => {
    const base = scenarioYaml();
    const text = base
      .replace(
        'targets: [primary/gpt-4o, backup/claude-sonnet-4-5]',
        'targets: [primary/gpt-4o]\n    cheap:\n      targets: [backup/claude-sonnet-4-5]\n  budget: { window: 1h, maxUsd: 0.01, action: downgrade, downgradeTo: cheap }',
      )
      .replace(base.slice(base.indexOf('faults:'), base.indexOf('failover:')), 'faults: []\n');
    const report = await runDrill(loadScenario(writeTemp('s.yaml', text)));
    // Each answer costs about $0.0008 on the primary: about a dozen before the downgrade.
    expect(report.attempts.byProvider.primary).toBeGreaterThan(5);
    expect(report.attempts.byProvider.primary).toBeLessThan(30);
    expect(report.attempts.byProvider.backup).toBe(
      report.requests.total - report.attempts.byProvider.primary!,
    );
  });
});
