import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { simulate } from '../../src/simulator/simulate.js';
import { scenarioYaml, writeTemp } from '../helpers.js';

/** Every fault kind, one minute each, on alternating providers. */
const KINDS = [
  '{ kind: outage, status: 503 }',
  '{ kind: outage, status: reset }',
  '{ kind: outage, status: refused }',
  '{ kind: error-rate, probability: 50% }',
  '{ kind: latency-spike, extra: 3s }',
  '{ kind: hang }',
  '{ kind: rate-limit, retryAfter: 2s }',
  '{ kind: rate-limit }',
  '{ kind: quota-exhausted }',
  '{ kind: slow-first-token, extra: 4s }',
  '{ kind: stream-cut, afterTokens: 20 }',
  '{ kind: stream-stall, afterTokens: 20 }',
  '{ kind: malformed-chunk, afterTokens: 20 }',
  '{ kind: stream-no-done }',
  '{ kind: invalid-key }',
  '{ kind: context-length-exceeded }',
  '{ kind: content-filter }',
];

function everyFault() {
  const faults = KINDS.map(
    (k, i) =>
      `  - ${k.replace('{ ', `{ target: ${i % 2 === 0 ? 'primary' : 'backup'}, at: ${i}m, for: 1m, `)}`,
  ).join('\n');
  const base = scenarioYaml();
  const text = base
    .replace(base.slice(base.indexOf('faults:'), base.indexOf('failover:')), `faults:\n${faults}\n`)
    .replace('duration: 2m', `duration: ${KINDS.length + 1}m`)
    .replace('rate: 60/m', 'rate: 240/m')
    .replace(
      'targets: [primary/gpt-4o, backup/claude-sonnet-4-5]',
      'targets: [primary/gpt-4o, backup/claude-sonnet-4-5]\n  timeout: { attempt: 10s, total: 30s }',
    );
  return loadScenario(writeTemp('every-fault.yaml', text));
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
    expect(b.aggregate.latencyMs).not.toEqual(a.aggregate.latencyMs);
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
