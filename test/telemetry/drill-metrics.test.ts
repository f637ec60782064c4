import type { Attributes, Meter } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import type { RequestOutcome } from '../../src/engine/types.js';
import { DrillHistogram } from '../../src/telemetry/drill-histograms.js';
import { DrillMetrics, attemptResult, requestResult } from '../../src/telemetry/drill-metrics.js';
import { hrTime } from '../../src/telemetry/telemetry-sdk.js';

type AttemptEnd = Extract<EngineEvent, { type: 'attempt:end' }>;
const target = { provider: 'primary', model: 'm' };

function attemptEnd(over: Partial<AttemptEnd>): AttemptEnd {
  return {
    type: 'attempt:end',
    at: 1_500,
    startedAt: 1_000,
    requestId: 'r',
    attempt: 1,
    target,
    ok: true,
    ...over,
  };
}

/** A meter that keeps what is added to its counters. */
function recordingMeter(): { meter: Meter; added: [string, number, Attributes][] } {
  const added: [string, number, Attributes][] = [];
  const meter = {
    createCounter: (name: string) => ({
      add: (n: number, attributes: Attributes) => added.push([name, n, attributes]),
    }),
    createObservableGauge: () => ({ addCallback: () => undefined }),
  } as unknown as Meter;
  return { meter, added };
}

function histograms() {
  const h = (name: string) =>
    new DrillHistogram({ name, description: '', unit: 's', boundaries: [1] });
  return { requestDuration: h('request'), attemptDuration: h('attempt'), cost: h('cost') };
}

describe('attempt and request results', () => {
  it('names a status failure by its status and any other by its reason', () => {
    expect(attemptResult(attemptEnd({ ok: true }))).toEqual({
      outcome: 'ok',
      errorType: undefined,
    });
    expect(attemptResult(attemptEnd({ ok: false, reason: 'http-status', status: 429 }))).toEqual({
      outcome: 'http-status',
      errorType: '429',
    });
    expect(attemptResult(attemptEnd({ ok: false, reason: 'timeout' }))).toEqual({
      outcome: 'timeout',
      errorType: 'timeout',
    });
  });

  it('tells a stand-in answer from a model’s', () => {
    const ok = { ok: true, degraded: false } as RequestOutcome;
    expect(requestResult(ok)).toBe('success');
    expect(requestResult({ ...ok, degraded: true } as RequestOutcome)).toBe('degraded');
    expect(requestResult({ ok: false } as RequestOutcome)).toBe('failed');
  });
});

describe('the drill’s counters', () => {
  it('adds each attribute set once, at the end, with its tokens by type', () => {
    const { meter, added } = recordingMeter();
    const metrics = new DrillMetrics(meter, histograms());
    const usage = { inputTokens: 10, outputTokens: 4 };
    for (let i = 0; i < 3; i++) {
      const event = attemptEnd({ usage });
      metrics.attemptEnded(event, attemptResult(event));
    }
    const failed = attemptEnd({ ok: false, reason: 'http-status', status: 503 });
    metrics.attemptEnded(failed, attemptResult(failed));
    expect(added).toEqual([]);
    metrics.flush();
    expect(added.map(([name, n]) => [name, n])).toEqual([
      ['failover_drill.attempts', 3],
      ['failover_drill.usage.tokens', 30],
      ['failover_drill.usage.tokens', 12],
      ['failover_drill.attempts', 1],
    ]);
    expect(added[3]?.[2]).toMatchObject({ 'error.type': '503' });
  });

  it('remembers the last breaker state of each target, closed until told otherwise', () => {
    const metrics = new DrillMetrics(recordingMeter().meter, histograms());
    expect(metrics.breakerState(target)).toBe('closed');
    metrics.breaker(target, 'open');
    expect(metrics.breakerState({ ...target })).toBe('open');
  });
});

describe('drill time in OpenTelemetry’s terms', () => {
  it('splits milliseconds into seconds and nanoseconds without a billion-nanosecond carry', () => {
    expect(hrTime(1_500.25)).toEqual([1, 500_250_000]);
    expect(hrTime(1_999.9999999)).toEqual([2, 0]);
  });
});
