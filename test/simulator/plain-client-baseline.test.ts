import { describe, expect, it } from 'vitest';
import { failoverConfigSchema } from '../../src/engine/config.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { simulatePlainClient } from '../../src/simulator/plain-client-baseline.js';
import { baselineConfig } from '../../src/simulator/run-drill.js';
import { simulate, type SimulationResult } from '../../src/simulator/simulate.js';
import { everyFaultYaml } from '../support/every-fault.js';
import { writeTemp } from '../support/helpers.js';

/** Cost sums add up in another order on the two paths: compare them to a millionth of a cent. */
function comparable(result: SimulationResult): unknown {
  const round = (n: number): number => Math.round(n * 1e8) / 1e8;
  const roundAll = (r: Record<string, number>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v)]));
  const a = result.aggregate;
  return {
    ...a,
    costUsd: {
      total: round(a.costUsd.total),
      byProvider: roundAll(a.costUsd.byProvider),
      byModel: roundAll(a.costUsd.byModel),
      wasted: round(a.costUsd.wasted),
    },
    minutes: a.minutes.map((m) => ({ ...m, costUsd: round(m.costUsd) })),
    simulatedMs: result.simulatedMs,
  };
}

const cases: [string, () => string][] = [
  ['black-friday', () => 'scenarios/black-friday.yaml'],
  ['cold-start-fallback', () => 'scenarios/cold-start-fallback.yaml'],
  ['rate-limit-storm', () => 'scenarios/rate-limit-storm.yaml'],
  ['every fault kind', () => writeTemp('every-fault.yaml', everyFaultYaml())],
];

describe('baselineConfig', () => {
  it('keeps only what a plain client has: the first target, one attempt, the timeouts', () => {
    const config = failoverConfigSchema.parse({
      groups: { chat: { targets: ['a/m', 'b/m'], strategy: 'weighted', weights: [1, 3] } },
      timeout: { attempt: '10s', total: '20s', firstToken: '2s', streamIdle: '1s' },
      bulkhead: { maxConcurrent: 2 },
      rateLimit: { perProvider: { a: { rpm: 10 } } },
      cache: {},
      degrade: { static: 'busy' },
    });
    const plain = baselineConfig(config);
    expect(plain.groups).toEqual({
      chat: { targets: [{ provider: 'a', model: 'm' }], strategy: 'priority' },
    });
    expect(plain.retry.maxAttempts).toBe(1);
    expect(plain.timeout).toEqual({
      attempt: 10_000,
      total: 20_000,
      firstToken: 'off',
      streamIdle: 'off',
    });
    expect(plain.stream.onBreak).toBe('restart');
    expect(plain).not.toHaveProperty('bulkhead');
    expect(plain).not.toHaveProperty('rateLimit');
    expect(plain).not.toHaveProperty('cache');
    expect(plain).not.toHaveProperty('degrade');
  });
});

describe('the plain-client baseline', () => {
  for (const [name, file] of cases) {
    it(`equals the in-process run of the baseline config on ${name}`, async () => {
      const scenario = loadScenario(file());
      for (const seed of [1, 2]) {
        const viaHttp = await simulate(scenario, baselineConfig(scenario.failover), { seed });
        const direct = simulatePlainClient(scenario, baselineConfig(scenario.failover), seed);
        expect(comparable(direct)).toEqual(comparable(viaHttp));
      }
    }, 60_000);
  }
});
