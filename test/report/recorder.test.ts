/**
 * The recorder's failover episodes when the failover comes late: a gateway that held a request
 * back across an outage's end fails it over after the primary was already proven healthy again.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import type { Target } from '../../src/engine/types.js';
import { Recorder } from '../../src/report/recorder.js';

const primary: Target = { provider: 'primary', model: 'gpt-4o' };
const backup: Target = { provider: 'backup', model: 'claude' };
const clock = { now: () => 0, setTimer: () => ({ dispose: () => undefined }) };

/** One attempt of `requestId` on `target` from `start` to `end`. */
function attempt(
  requestId: string,
  n: number,
  target: Target,
  start: number,
  end: number,
  ok: boolean,
): EngineEvent[] {
  return [
    { type: 'attempt:start', at: start, requestId, attempt: n, target },
    {
      type: 'attempt:end',
      at: end,
      requestId,
      attempt: n,
      target,
      startedAt: start,
      ok,
      ...(ok ? {} : { status: 503, reason: 'http-status' as const }),
    },
  ];
}

function failover(requestId: string, at: number, failedAttemptStartedAt?: number): EngineEvent {
  return {
    type: 'failover',
    at,
    requestId,
    group: 'chat',
    from: primary,
    to: backup,
    reason: 'http-status',
    ...(failedAttemptStartedAt === undefined ? {} : { failedAttemptStartedAt }),
  };
}

describe('Recorder failover episodes', () => {
  const outageThenLateFailover = (late: EngineEvent): EngineEvent[] => [
    // Request 1 fails on the primary at 10 s and fails over at once: the outage's episode.
    ...attempt('r1', 1, primary, 10_000, 10_100, false),
    failover('r1', 10_100, 10_000),
    // Request 2 fails on the primary at 20 s; the gateway holds it back.
    ...attempt('r2', 1, primary, 20_000, 20_100, false),
    // Request 3, begun at 60 s, is answered by the primary: the outage is over.
    ...attempt('r3', 1, primary, 60_000, 61_000, true),
    // Only now does request 2 go to the backup.
    late,
  ];

  it('counts a late failover of a failure from before the recovery as no new episode', () => {
    const recorder = new Recorder(clock);
    for (const event of outageThenLateFailover(failover('r2', 70_000, 20_000)))
      recorder.onEvent(event);
    const { failovers } = recorder.summary();
    expect(failovers).toHaveLength(1);
    expect(failovers[0]).toMatchObject({ atMs: 10_100, detectionMs: 100, recoveredAtMs: 61_000 });
  });

  it('still opens a new episode for a failure after the recovery', () => {
    const recorder = new Recorder(clock);
    for (const event of [
      ...outageThenLateFailover(failover('r2', 70_000, 20_000)),
      ...attempt('r4', 1, primary, 80_000, 80_200, false),
      failover('r4', 80_200, 80_000),
    ])
      recorder.onEvent(event);
    const { failovers } = recorder.summary();
    expect(failovers.map((f) => [f.atMs, f.detectionMs])).toEqual([
      [10_100, 100],
      [80_200, 200],
    ]);
  });
});
