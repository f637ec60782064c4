/**
 * Faults aimed at attempts and requests, on a fixed schedule, drilled end to end: the engine's
 * retry meets exactly the attempts the scenario names, and the baseline meets the same faults.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { scenarioYaml, writeTemp } from '../support/helpers.js';

function drill(faults: string, schedule: string) {
  const base = scenarioYaml();
  const text = scenarioYaml({
    replace: [
      ['  arrivals: { shape: constant, rate: 60/m }\n  mix:\n    - group: chat\n', schedule],
      [base.slice(base.indexOf('faults:'), base.indexOf('failover:')), `faults:\n${faults}\n`],
      [
        'targets: [primary/gpt-4o, backup/claude-sonnet-4-5]',
        'targets: [primary/gpt-4o, backup/claude-sonnet-4-5]\n  preset: default',
      ],
    ],
  });
  return runDrill(
    loadScenario(
      writeTemp('aimed.yaml', text.replace('slos:\n  - availability >= 99%\n', 'slos: []\n')),
    ),
  );
}

describe('aimed faults on a fixed schedule', () => {
  it('fails the first attempt of each request, and the retry on the same target answers', async () => {
    const report = await drill(
      '  - { kind: outage, target: primary/gpt-4o, status: 500, attempts: 1 }',
      '  schedule:\n    - { at: 0s, group: chat }\n    - { at: 60s, group: chat, stream: true }\n',
    );
    expect(report.requests).toMatchObject({ total: 2, succeeded: 2, failed: 0 });
    expect(report.attempts).toMatchObject({ total: 4, retries: 2, byProvider: { primary: 4 } });
    // The plain client makes one attempt: the first, which the fault fails.
    expect(report.baseline.requests).toMatchObject({ total: 2, failed: 2 });
  });

  it('fails only the requests it names, whatever their attempt', async () => {
    const report = await drill(
      '  - { kind: outage, target: primary, status: 503, requests: 2 }',
      '  schedule:\n    - { at: 0s, group: chat, count: 3 }\n',
    );
    expect(report.requests).toMatchObject({ total: 3, succeeded: 3 });
    // Request 2 fails on the primary on every attempt, and is answered by the backup.
    expect(report.attempts.byProvider.backup).toBe(1);
    expect(report.baseline.requests).toMatchObject({ total: 3, failed: 1 });
  });
});
