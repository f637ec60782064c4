/**
 * Faults aimed at attempts and requests, on a fixed schedule, drilled end to end: the engine's
 * retry meets exactly the attempts the scenario names, and the baseline meets the same faults.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { runDrill } from '../../src/simulator/run-drill.js';
import { scenarioYaml, writeTemp } from '../support/helpers.js';

function drill(faults: string, schedule: string, slos: readonly string[] = []) {
  const base = scenarioYaml();
  const text = scenarioYaml({
    replace: [
      ['  arrivals: { shape: constant, rate: 60/m }\n  mix:\n    - group: chat\n', schedule],
      [base.slice(base.indexOf('faults:'), base.indexOf('failover:')), `faults:\n${faults}\n`],
      [
        'targets: [primary/gpt-4o, backup/claude-sonnet-4-5]',
        'targets: [primary/gpt-4o, backup/claude-sonnet-4-5]\n  preset: default',
      ],
      [
        'slos:\n  - availability >= 99%\n',
        slos.length === 0 ? 'slos: []\n' : `slos:\n${slos.map((s) => `  - ${s}\n`).join('')}`,
      ],
    ],
  });
  return runDrill(loadScenario(writeTemp('aimed.yaml', text)));
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

describe('conduct metrics, against the figures worked out by hand', () => {
  it('counts attempts per provider and target, and judges SLOs on them', async () => {
    const report = await drill(
      '  - { kind: outage, target: primary, status: 503, requests: 2 }',
      '  schedule:\n    - { at: 0s, group: chat, count: 3 }\n',
      [
        'attempts.byTarget.backup/claude-sonnet-4-5 == 1',
        'attempts.byProvider.primary >= 4',
        'attempts.byProvider.backup == 0',
      ],
    );
    expect(report.attempts.byTarget['backup/claude-sonnet-4-5']).toBe(1);
    expect(report.attempts.byTarget['primary/gpt-4o']).toBe(report.attempts.byProvider.primary);
    expect(report.slos.map((s) => [s.name, s.pass])).toEqual([
      ['attempts.byTarget.backup/claude-sonnet-4-5 == 1', true],
      ['attempts.byProvider.primary >= 4', true],
      ['attempts.byProvider.backup == 0', false],
    ]);
  });

  it('times the gap before the first retry: the Retry-After the 429 gave', async () => {
    const report = await drill(
      '  - { kind: rate-limit, target: primary, retryAfter: 2s, attempts: 1 }',
      '  schedule:\n    - { at: 0s, group: chat }\n',
      ['retry.firstGap.min >= 2s', 'attempts.retries == 1', 'attempts.within.1s.max == 1'],
    );
    expect(report.attempts.retries).toBe(1);
    // The 429 ends the first attempt; the retry starts exactly when Retry-After allows.
    expect(report.attempts.firstRetryGapMs).toBe(2_000);
    expect(report.attempts.within).toEqual({ '1s': 1 });
    expect(report.slos.every((s) => s.pass)).toBe(true);
  });

  it('reads no retry as no retry came sooner than the whole drill', async () => {
    const report = await drill('  []', '  schedule:\n    - { at: 0s, group: chat }\n', [
      'retry.firstGap.min >= 1s',
    ]);
    expect(report.attempts.firstRetryGapMs).toBeNull();
    expect(report.slos[0]).toMatchObject({ actual: report.simulatedMs, pass: true });
  });

  it('times recovery from the window end to the first attempt the target answered', async () => {
    const report = await drill(
      '  - { kind: outage, target: primary, at: 0s, for: 30s }',
      '  schedule:\n' +
        [0, 10, 20, 40, 50, 60, 70, 80, 90, 100, 110]
          .map((s) => `    - { at: ${s}s, group: chat }\n`)
          .join(''),
      ['failover.recovery.max <= 90s'],
    );
    const recovery = report.faults[0]?.recoveryMs;
    // Back on the primary once its breaker lets a request through after the window.
    expect(recovery).toBeGreaterThanOrEqual(10_000);
    expect(recovery! % 10_000).toBe(0);
    expect(report.slos[0]).toMatchObject({ actual: recovery, pass: true });
  });
});
