import { describe, expect, it } from 'vitest';
import type { AttemptFn, Policy, PolicyEnv } from '../../src/engine/policy.js';
import { bulkhead } from '../../src/engine/policies/bulkhead.js';
import { circuitBreaker } from '../../src/engine/policies/circuit-breaker.js';
import { rateLimit } from '../../src/engine/policies/rate-limit.js';
import { retry } from '../../src/engine/policies/retry.js';
import { timeout } from '../../src/engine/policies/timeout.js';
import type { AttemptOutcome } from '../../src/engine/types.js';
import { world } from '../support/policy-world.js';

/** Every policy, with options loose enough not to get in the way. */
const POLICIES: Record<string, (env: PolicyEnv) => Policy> = {
  retry: (env) =>
    retry(
      { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, jitter: 'full', retryAfterCapMs: 1_000 },
      env,
    ),
  timeout: (env) => timeout({ attemptMs: 10_000 }, env),
  'circuit-breaker': (env) =>
    circuitBreaker(
      {
        kind: 'consecutive',
        consecutiveFailures: 100,
        failureRatio: 0.5,
        windowMs: 1_000,
        minimumThroughput: 10,
        breakDurationMs: 1_000,
        maxBreakDurationMs: 1_000,
        halfOpenProbes: 1,
      },
      env,
    ),
  bulkhead: (env) => bulkhead({ maxConcurrent: 100, queue: 0, maxWaitMs: 0 }, env),
  'rate-limit': (env) => rateLimit({ perProvider: { p: { rpm: 1_000_000 } }, maxWaitMs: 0 }, env),
};

function setup(make: (env: PolicyEnv) => Policy) {
  const w = world();
  const policy = make(w.env);
  const run = (next: AttemptFn, signal?: AbortSignal): Promise<AttemptOutcome> =>
    w.run((n) => policy.execute(signal === undefined ? w.ctx : { ...w.ctx, signal }, n), next);
  return { run };
}

const success: AttemptOutcome = {
  ok: true,
  target: { provider: 'p', model: 'm' },
  status: 200,
  text: 'hi',
  usage: { inputTokens: 1, outputTokens: 1 },
  finishReason: 'stop',
  responseModel: 'm',
};
const refused: AttemptOutcome = {
  ok: false,
  target: { provider: 'p', model: 'm' },
  reason: 'http-status',
  failureClass: 'invalid-request',
  status: 400,
  message: 'no',
};
const transient: AttemptOutcome = {
  ok: false,
  target: { provider: 'p', model: 'm' },
  reason: 'http-status',
  failureClass: 'transient',
  status: 503,
  message: 'down',
};

describe.each(Object.entries(POLICIES))('policy contract: %s', (_name, make) => {
  it('passes a success through untouched, calling the inner step once', async () => {
    let calls = 0;
    const outcome = await setup(make).run(() => {
      calls++;
      return Promise.resolve(success);
    });
    expect(outcome).toBe(success);
    expect(calls).toBe(1);
  });

  it('returns a refused request as it came, without calling again', async () => {
    let calls = 0;
    const outcome = await setup(make).run(() => {
      calls++;
      return Promise.resolve(refused);
    });
    expect(outcome).toEqual(refused);
    expect(calls).toBe(1);
  });

  it('answers transient failures with an outcome, never an exception, within a bounded number of calls', async () => {
    let calls = 0;
    const outcome = await setup(make).run(() => {
      calls++;
      return Promise.resolve(transient);
    });
    expect(outcome.ok).toBe(false);
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(3);
  });

  it('lets the inner step see its cancellation', async () => {
    const controller = new AbortController();
    controller.abort(new Error('caller left'));
    let sawAbort = false;
    await setup(make).run((ctx) => {
      sawAbort = ctx.signal.aborted;
      return Promise.resolve(transient);
    }, controller.signal);
    expect(sawAbort).toBe(true);
  });
});
