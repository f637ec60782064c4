import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { scenarioYaml, writeTemp } from '../support/helpers.js';

/** The tiny scenario, all streamed, with one fault on the primary for the whole drill. */
function drill(fault: string, timeout: string) {
  const base = scenarioYaml({ replace: [['streaming: 50%', 'streaming: 100%']] });
  const text = base
    .replace(
      base.slice(base.indexOf('faults:'), base.indexOf('failover:')),
      `faults:\n  - ${fault}\n`,
    )
    .replace(
      'targets: [primary/gpt-4o, backup/claude-sonnet-4-5]',
      `targets: [primary/gpt-4o, backup/claude-sonnet-4-5]\n  retry: { maxAttempts: 1 }\n  timeout: ${timeout}`,
    );
  return runDrill(loadScenario(writeTemp('s.yaml', text)));
}

describe('stream limits', () => {
  it('cuts a stream whose first token is late and fails over', async () => {
    const report = await drill(
      '{ kind: slow-first-token, target: primary, extra: 10s }',
      '{ firstToken: 3s }',
    );
    expect(report.availability).toBe(1);
    expect(report.attempts.byProvider.backup).toBe(report.requests.total);
    // Five first-token timeouts open the primary's breaker; its probes time out too.
    expect(report.attempts.byProvider.primary).toBeGreaterThanOrEqual(5);
    expect(report.attempts.byProvider.primary).toBeLessThan(report.requests.total);
    // 3 s lost on the primary, then the backup's ttft and output; never the 10 s wait.
    expect(report.latencyMs.max).toBeGreaterThanOrEqual(3_000);
    expect(report.latencyMs.max).toBeLessThan(5_000);
  });

  it('waits out a slow first token when no first-token limit is set', async () => {
    const report = await drill(
      '{ kind: slow-first-token, target: primary, extra: 10s }',
      '{ attempt: 30s, firstToken: off, streamIdle: off }',
    );
    expect(report.attempts.byProvider).toEqual({ primary: report.requests.total });
    expect(report.latencyMs.p50).toBeGreaterThanOrEqual(10_000);
  });

  it('cuts a stalled stream at the idle limit, fails over, and counts the partial tokens as waste', async () => {
    const report = await drill(
      '{ kind: stream-stall, target: primary, afterTokens: 20 }',
      '{ streamIdle: 2s }',
    );
    expect(report.availability).toBe(1);
    expect(report.attempts.byProvider.backup).toBe(report.requests.total);
    // Cut 2 s into the stall, long before the 30 s attempt timeout would.
    expect(report.latencyMs.max).toBeLessThan(10_000);
    expect(report.costUsd.wasted).toBeGreaterThan(0);
    expect(report.costUsd.byProvider.primary).toBeCloseTo(report.costUsd.wasted, 6);
  });
});
