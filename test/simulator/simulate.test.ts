import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { simulate } from '../../src/simulator/simulate.js';
import { scenarioYaml, writeTemp } from '../support/helpers.js';
import { everyFaultYaml, KINDS } from '../support/every-fault.js';

function everyFault() {
  return loadScenario(writeTemp('every-fault.yaml', everyFaultYaml()));
}

describe('simulate', () => {
  it('ends every request exactly once through every fault kind, and replays identically', async () => {
    const scenario = everyFault();
    const first = await simulate(scenario, scenario.failover, { seed: 5 });
    const second = await simulate(scenario, scenario.failover, { seed: 5 });
    expect(second).toEqual(first);
    const { requests, unfinished } = first.aggregate;
    expect(unfinished).toBe(0);
    expect(requests.total).toBe(240 * (KINDS.length + 1));
    expect(requests.succeeded + requests.failed + requests.degraded).toBe(requests.total);
  });

  it('differs with another seed', async () => {
    const scenario = everyFault();
    const a = await simulate(scenario, scenario.failover, { seed: 5 });
    const b = await simulate(scenario, scenario.failover, { seed: 6 });
    expect([b.aggregate.attempts, b.aggregate.costUsd]).not.toEqual([
      a.aggregate.attempts,
      a.aggregate.costUsd,
    ]);
  });

  it("holds a stream's first-token limit to the provider's time to first token", async () => {
    // 500 ms to the first token, 20 tokens a second, events of 8 tokens: the first event is out
    // at 900 ms, within the 1 s limit, though a whole second's write would end at 1.5 s.
    const text = scenarioYaml({
      replace: [
        ['outputTokens: 50', 'outputTokens: 100'],
        ['streaming: 50%', 'streaming: 100%'],
        [
          'latency: { ttft: 200ms, tokensPerSecond: 100 }',
          'latency: { ttft: 500ms, tokensPerSecond: 20 }',
        ],
        ['  - kind: outage\n    target: primary\n    at: 30s\n    for: 30s\n', '  []\n'],
        [
          '      targets: [primary/gpt-4o, backup/claude-sonnet-4-5]',
          '      targets: [primary/gpt-4o, backup/claude-sonnet-4-5]\n  timeout: { firstToken: 1s }',
        ],
      ],
    });
    const report = await runDrill(loadScenario(writeTemp('first-token.yaml', text)));
    expect(report.failures.byReason).toEqual({});
    expect(report.attempts.total).toBe(report.requests.total);
    expect(report.attempts.byProvider).toEqual({ primary: report.requests.total });
  });

  it('shows in the baseline what each fault costs without failover', async () => {
    const report = await runDrill(everyFault(), { seed: 5 });
    const reasons = Object.keys(report.failures.byReason);
    expect(report.baseline.availability).toBeLessThan(report.availability);
    // Refusals end a request in both runs: the engine neither retries nor fails them over.
    expect(reasons).toEqual(expect.arrayContaining(['http-status']));
    expect(report.requests.failed).toBeLessThan(report.baseline.requests.failed);
    expect(report.costUsd.wasted).toBeGreaterThan(0);
  });
});
