/**
 * The circuit breaker by name, beside the contract suite and the model-based test in
 * `invariants.property.test.ts`: it opens after a run of failures, refuses while open, lets a
 * probe through after the break, and doubles the break after a failed probe.
 */
import { describe, expect, it } from 'vitest';
import {
  circuitBreaker,
  type CircuitBreakerOptions,
} from '../../../src/engine/policies/circuit-breaker.js';
import type { AttemptOutcome } from '../../../src/engine/types.js';
import { FAILED, OK, TARGET, world } from '../../support/policy-world.js';

const OPTIONS: CircuitBreakerOptions = {
  kind: 'consecutive',
  consecutiveFailures: 3,
  failureRatio: 0.5,
  windowMs: 10_000,
  minimumThroughput: 10,
  breakDurationMs: 1_000,
  maxBreakDurationMs: 4_000,
  halfOpenProbes: 1,
};

describe('circuit breaker', () => {
  it('opens after the failures in a row, refuses while open, and closes on a good probe', async () => {
    const w = world();
    const breaker = circuitBreaker(OPTIONS, w.env);
    let calls = 0;
    const attempt = async (answer: AttemptOutcome): Promise<AttemptOutcome> =>
      w.run(
        (next) => breaker.execute(w.ctx, next),
        () => {
          calls++;
          return Promise.resolve(answer);
        },
      );
    for (let i = 0; i < 3; i++) await attempt(FAILED());
    expect(breaker.state(TARGET)).toBe('open');
    const refused = await attempt(OK);
    expect(refused).toMatchObject({ ok: false, reason: 'breaker-open' });
    expect(calls).toBe(3);
    // After the break, one probe goes through; its success closes the breaker.
    w.clock.setTimer(1_000, () => undefined);
    await w.clock.run();
    expect(await attempt(OK)).toMatchObject({ ok: true });
    expect(calls).toBe(4);
    expect(breaker.state(TARGET)).toBe('closed');
  });

  it('reopens for twice the break after a failed probe, up to the longest break', async () => {
    const w = world();
    const breaker = circuitBreaker(OPTIONS, w.env);
    const fail = () =>
      w.run(
        (next) => breaker.execute(w.ctx, next),
        () => Promise.resolve(FAILED()),
      );
    for (let i = 0; i < 3; i++) await fail();
    const breaks: number[] = [];
    for (let probe = 0; probe < 3; probe++) {
      const snapshot = Object.values(breaker.snapshot())[0];
      if (snapshot?.state !== 'open') throw new Error(`expected open, got ${snapshot?.state}`);
      breaks.push(snapshot.breakMs);
      w.clock.setTimer(snapshot.until - w.clock.now(), () => undefined);
      await w.clock.run();
      await fail();
    }
    expect(breaks).toEqual([1_000, 2_000, 4_000]);
  });

  it("latency: opens when the window's percentile passes the threshold, without a failure", async () => {
    const w = world();
    const breaker = circuitBreaker(
      { ...OPTIONS, kind: 'latency', windowMs: 60_000, percentile: 90, latencyThresholdMs: 5_000 },
      w.env,
    );
    // An answer that takes `ms` of the clock to come.
    const answer = (ms: number) =>
      w.run(
        (next) => breaker.execute(w.ctx, next),
        () =>
          new Promise<AttemptOutcome>((resolve) => {
            w.clock.setTimer(ms, () => resolve(OK));
          }),
      );
    // Nine quick answers and one slow: 10% slower than 5 s is not more than 10%.
    for (let i = 0; i < 9; i++) await answer(100);
    await answer(6_000);
    expect(breaker.state(TARGET)).toBe('closed');
    // A second slow one in the window: the p90 is past 5 s.
    await answer(6_000);
    expect(breaker.state(TARGET)).toBe('open');
    // After the break a slow probe opens it again; a quick one closes it.
    w.clock.setTimer(1_000, () => undefined);
    await w.clock.run();
    await answer(6_000);
    expect(breaker.state(TARGET)).toBe('open');
    w.clock.setTimer(2_000, () => undefined);
    await w.clock.run();
    await answer(100);
    expect(breaker.state(TARGET)).toBe('closed');
  });
});
