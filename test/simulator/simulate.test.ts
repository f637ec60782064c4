import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { simulate } from '../../src/simulator/simulate.js';
import { writeTemp } from '../support/helpers.js';
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
