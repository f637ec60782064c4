import { describe, expect, it } from 'vitest';
import { engineHarness, one } from '../support/engine-harness.js';

const chain = { groups: { chat: { targets: ['primary/m', 'backup/m'] } } };

describe('FailoverEngine', () => {
  it('answers from the primary when it is healthy', async () => {
    const h = engineHarness(chain, () => ({ status: 200 }));
    const outcome = await one(h);
    expect(outcome).toMatchObject({
      ok: true,
      target: { provider: 'primary' },
      attempts: 1,
      latencyMs: 10,
    });
  });

  it('retries a 500 with backoff, then succeeds on the same target', async () => {
    const h = engineHarness(
      { ...chain, retry: { baseDelay: '100ms', jitter: 'none' } },
      (_p, call) => (call === 1 ? { status: 500 } : { status: 200 }),
    );
    const outcome = await one(h);
    expect(outcome).toMatchObject({ ok: true, target: { provider: 'primary' }, attempts: 2 });
    expect(h.calls.map((c) => c.at)).toEqual([0, 110]);
  });

  it('waits for Retry-After before retrying a 429', async () => {
    const h = engineHarness(
      { ...chain, retry: { baseDelay: '10ms', jitter: 'none' } },
      (_p, call) =>
        call === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 },
    );
    await one(h);
    expect(h.calls[1]!.at - h.calls[0]!.at).toBeGreaterThanOrEqual(2_010);
    expect(h.events.find((e) => e.type === 'retry:scheduled')).toMatchObject({
      delayMs: 2_000,
      fromRetryAfter: true,
    });
  });

  it('fails over instead of waiting out a Retry-After beyond the cap', async () => {
    const h = engineHarness({ ...chain, retry: { retryAfterCap: '5s' } }, (p) =>
      p === 'primary' ? { status: 429, headers: { 'retry-after-ms': '60000' } } : { status: 200 },
    );
    const outcome = await one(h);
    expect(outcome).toMatchObject({ ok: true, target: { provider: 'backup' }, attempts: 2 });
    expect(h.events.filter((e) => e.type === 'failover')).toHaveLength(1);
  });

  it('retries only the failures listed in retry.on, failing over at once on the others', async () => {
    const h = engineHarness(
      { ...chain, retry: { maxAttempts: 3, on: { statuses: [429], network: false } } },
      (p) => (p === 'primary' ? { status: 500 } : { status: 200 }),
    );
    expect(await one(h)).toMatchObject({ ok: true, target: { provider: 'backup' }, attempts: 2 });
    const reset = engineHarness(
      { ...chain, retry: { maxAttempts: 3, on: { network: false } } },
      (p) => (p === 'primary' ? 'reset' : { status: 200 }),
    );
    expect(await one(reset)).toMatchObject({
      ok: true,
      target: { provider: 'backup' },
      attempts: 2,
    });
  });

  it('fails over after the retries on a dead primary are spent', async () => {
    const h = engineHarness({ ...chain, retry: { maxAttempts: 3 } }, (p) =>
      p === 'primary' ? 'reset' : { status: 200 },
    );
    const outcome = await one(h);
    expect(outcome).toMatchObject({ ok: true, target: { provider: 'backup' }, attempts: 4 });
  });

  it('does not retry or fail over a request the provider refused as invalid', async () => {
    const h = engineHarness(chain, () => ({
      status: 400,
      body: { error: { message: 'too long', code: 'context_length_exceeded' } },
    }));
    const outcome = await one(h);
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'http-status',
      status: 400,
      code: 'context_length_exceeded',
      attempts: 1,
    });
  });

  it('cuts a silent attempt at the attempt timeout and fails over', async () => {
    const h = engineHarness(
      { ...chain, timeout: { attempt: '2s', total: '30s' }, retry: { maxAttempts: 1 } },
      (p) => (p === 'primary' ? 'hang' : { status: 200 }),
    );
    const outcome = await one(h);
    expect(outcome).toMatchObject({ ok: true, target: { provider: 'backup' }, latencyMs: 2_010 });
    expect(h.events.find((e) => e.type === 'attempt:end' && !e.ok)).toMatchObject({
      reason: 'timeout',
    });
  });

  it('ends a request at its total deadline', async () => {
    const h = engineHarness({ ...chain, timeout: { attempt: '30s', total: '5s' } }, () => 'hang');
    const outcome = await one(h);
    expect(outcome).toMatchObject({ ok: false, latencyMs: 5_000 });
  });

  it('opens the breaker after consecutive failures and skips the target', async () => {
    const h = engineHarness(
      {
        ...chain,
        retry: { maxAttempts: 1 },
        breaker: { consecutiveFailures: 3, breakDuration: '30s' },
      },
      (p) => (p === 'primary' ? { status: 503 } : { status: 200 }),
    );
    for (let i = 0; i < 5; i++) void h.engine.handle(h.request());
    await h.clock.run();
    // Five requests at once: all reach the primary before any failure lands.
    const later = h.engine.handle(h.request());
    await h.clock.run();
    expect(await later).toMatchObject({ ok: true, target: { provider: 'backup' }, attempts: 1 });
    expect(h.engine.breakerState({ provider: 'primary', model: 'm' })).toBe('open');
    expect(h.events.filter((e) => e.type === 'breaker:transition')).toEqual([
      expect.objectContaining({ from: 'closed', to: 'open' }),
    ]);
  });

  it('half-opens after the break, probes, and closes on success', async () => {
    let primaryUp = false;
    const h = engineHarness(
      {
        ...chain,
        retry: { maxAttempts: 1 },
        breaker: { consecutiveFailures: 1, breakDuration: '10s' },
      },
      (p) => (p === 'primary' && !primaryUp ? { status: 503 } : { status: 200 }),
    );
    await one(h);
    expect(h.engine.breakerState({ provider: 'primary', model: 'm' })).toBe('open');
    primaryUp = true;
    h.clock.setTimer(10_000, () => undefined);
    await h.clock.run();
    const probe = await one(h);
    expect(probe).toMatchObject({ ok: true, target: { provider: 'primary' } });
    const transitions = h.events
      .filter((e) => e.type === 'breaker:transition')
      .map((e) => (e.type === 'breaker:transition' ? `${e.from}>${e.to}` : ''));
    expect(transitions).toEqual(['closed>open', 'open>half-open', 'half-open>closed']);
  });

  it('does not let a slow answer admitted before the breaker opened close it again', async () => {
    const h = engineHarness(
      {
        ...chain,
        retry: { maxAttempts: 1 },
        breaker: { consecutiveFailures: 2, breakDuration: '30s' },
      },
      (p, call) =>
        p !== 'primary'
          ? { status: 200 }
          : call === 1
            ? { status: 200, latencyMs: 5_000 }
            : { status: 503 },
    );
    const slow = h.engine.handle(h.request());
    h.clock.setTimer(100, () => void h.engine.handle(h.request()));
    h.clock.setTimer(200, () => void h.engine.handle(h.request()));
    await h.clock.run();
    expect(await slow).toMatchObject({ ok: true, target: { provider: 'primary' } });
    expect(h.engine.breakerState({ provider: 'primary', model: 'm' })).toBe('open');
  });

  it('keeps retries within the retry budget when a target fails for everyone', async () => {
    const h = engineHarness(
      {
        groups: { chat: { targets: ['primary/m'] } },
        retry: { maxAttempts: 5, budget: { ratio: '10%', minPerSecond: 0, window: '1m' } },
        breaker: { consecutiveFailures: 1_000 },
      },
      () => ({ status: 500 }),
    );
    for (let i = 0; i < 100; i++) void h.engine.handle(h.request());
    await h.clock.run();
    const retries = h.events.filter((e) => e.type === 'retry:scheduled').length;
    expect(retries).toBe(10);
    expect(h.calls).toHaveLength(110);
    // 90 first retries refused, and the second retries of the 10 that got one.
    expect(h.events.filter((e) => e.type === 'retry:denied').length).toBe(100);
  });

  /** One request a second for `seconds`; returns the times the primary was tried. */
  async function everySecond(
    h: ReturnType<typeof engineHarness>,
    seconds: number,
  ): Promise<number[]> {
    for (let i = 0; i < seconds; i++)
      h.clock.setTimer(i * 1_000, () => void h.engine.handle(h.request()));
    await h.clock.run();
    return h.calls.filter((c) => c.provider === 'primary').map((c) => c.at);
  }

  it('opens a ratio breaker only once the window holds enough attempts', async () => {
    const h = engineHarness(
      {
        ...chain,
        retry: { maxAttempts: 1 },
        breaker: { kind: 'ratio', failureRatio: '50%', minimumThroughput: 10, window: '1m' },
      },
      (p) => (p === 'primary' ? { status: 503 } : { status: 200 }),
    );
    const primary = await everySecond(h, 15);
    // Ten failures to reach the minimum throughput, then open for the 30 s break.
    expect(primary).toHaveLength(10);
    expect(h.events.filter((e) => e.type === 'breaker:transition')).toHaveLength(1);
  });

  it('keeps a ratio breaker closed while failures stay under the ratio', async () => {
    const h = engineHarness(
      {
        ...chain,
        retry: { maxAttempts: 1 },
        breaker: { kind: 'ratio', failureRatio: '60%', minimumThroughput: 4, window: '1m' },
      },
      (p, call) => (p === 'primary' && call % 2 === 0 ? { status: 503 } : { status: 200 }),
    );
    expect(await everySecond(h, 30)).toHaveLength(30);
    expect(h.engine.breakerState({ provider: 'primary', model: 'm' })).toBe('closed');
  });

  it('doubles the break after each failed probe, up to the cap', async () => {
    const config = (max: string) => ({
      ...chain,
      retry: { maxAttempts: 1 },
      breaker: { consecutiveFailures: 1, breakDuration: '10s', maxBreakDuration: max },
    });
    const down = (p: string) => (p === 'primary' ? { status: 503 } : { status: 200 });
    // Each probe fails 10 ms in, so the next second's request is the first to find the break
    // over: breaks of 10 s, 20 s, 40 s, 40 s.
    expect(await everySecond(engineHarness(config('40s'), down), 120)).toEqual([
      0, 11_000, 32_000, 73_000, 114_000,
    ]);
    // Without growth: a probe every 11 s.
    expect(await everySecond(engineHarness(config('10s'), down), 120)).toHaveLength(11);
  });

  it('reports every attempt and exactly one end per request', async () => {
    const h = engineHarness(chain, (p) => (p === 'primary' ? { status: 502 } : { status: 200 }));
    for (let i = 0; i < 20; i++) void h.engine.handle(h.request());
    await h.clock.run();
    const starts = h.events.filter((e) => e.type === 'attempt:start').length;
    const ends = h.events.filter((e) => e.type === 'attempt:end').length;
    const requestEnds = h.events.filter((e) => e.type === 'request:end');
    expect(starts).toBe(ends);
    expect(
      new Set(requestEnds.map((e) => (e.type === 'request:end' ? e.outcome.requestId : ''))).size,
    ).toBe(20);
    expect(requestEnds).toHaveLength(20);
  });
});
