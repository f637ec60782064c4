import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { engineHarness } from '../support/engine-harness.js';

describe('health checks', () => {
  it('eject a target after failed probes, route around it, and bring it back', async () => {
    const h = engineHarness(
      {
        groups: { chat: { targets: ['primary/m', 'backup/m'] } },
        retry: { maxAttempts: 1 },
        healthCheck: { interval: '10s', unhealthyAfter: 2 },
      },
      (p, _call, now) => (p === 'primary' && now < 60_000 ? { status: 503 } : { status: 200 }),
    );
    h.engine.startHealthChecks();
    const served: string[] = [];
    for (const at of [5_000, 30_000, 75_000]) {
      h.clock.setTimer(
        at,
        () =>
          void h.engine
            .handle(h.request())
            .then((o) => served.push(o.ok ? o.target.provider : o.reason)),
      );
    }
    h.clock.setTimer(100_000, () => h.engine.stopHealthChecks());
    await h.clock.run();
    // At 5 s the primary is tried and fails over; at 30 s it is ejected and passed over; at 75 s it is back.
    expect(served).toEqual(['backup', 'backup', 'primary']);
    const primaryRequestCalls = h.calls.filter(
      (c) => c.provider === 'primary' && c.at % 10_000 !== 0,
    );
    expect(primaryRequestCalls.map((c) => c.at)).toEqual([5_000, 75_000]);
    const changes = h.events
      .filter((e) => e.type === 'health:change')
      .map((e) => (e.type === 'health:change' ? `${e.at}:${e.healthy}` : ''));
    expect(changes).toEqual(['10010:false', '60010:true']);
  });

  it('keep a cold fallback warm, so a failover does not wait for a model to load', async () => {
    const scenario = loadScenario('scenarios/cold-start-fallback.yaml');
    const cold = await runDrill(scenario);
    const warm = await runDrill({
      ...scenario,
      failover: {
        ...scenario.failover,
        healthCheck: { interval: 60_000, unhealthyAfter: 2, healthyAfter: 1, timeout: 10_000 },
      },
    });
    expect(cold.latencyMs.p99).toBeGreaterThan(15_000);
    expect(warm.latencyMs.p99).toBeLessThan(15_000);
    expect(warm.availability).toBe(1);
    // Probes are real requests: the providers bill them.
    expect(warm.attempts.byProvider.selfhosted).toBeGreaterThan(
      cold.attempts.byProvider.selfhosted ?? 0,
    );
  });
});
