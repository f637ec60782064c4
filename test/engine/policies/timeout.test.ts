/**
 * The timeout policy by name, beside the contract suite every policy passes: the attempt limit
 * against the request's deadline.
 */
import { describe, expect, it } from 'vitest';
import type { AttemptFn } from '../../../src/engine/policy.js';
import { AttemptTimeoutError, timeout } from '../../../src/engine/policies/timeout.js';
import type { VirtualClock } from '../../../src/simulator/virtual-clock.js';
import { FAILED, world } from '../../support/policy-world.js';

/** An attempt that waits for its signal, and says when and why it was aborted. */
function hanging(clock: VirtualClock, seen: { at?: number; reason?: unknown }): AttemptFn {
  return (ctx) =>
    new Promise((resolve) => {
      ctx.signal.addEventListener('abort', () => {
        seen.at = clock.now();
        seen.reason = ctx.signal.reason;
        resolve(FAILED({ reason: 'timeout', message: 'timed out' }));
      });
    });
}

describe('timeout', () => {
  it('aborts the attempt at the attempt limit, with an AttemptTimeoutError', async () => {
    const w = world();
    const seen: { at?: number; reason?: unknown } = {};
    const policy = timeout({ attemptMs: 5_000 }, w.env);
    await w.run((next) => policy.execute(w.ctx, next), hanging(w.clock, seen));
    expect(seen.at).toBe(5_000);
    expect(seen.reason).toBeInstanceOf(AttemptTimeoutError);
  });

  it('aborts at the request deadline when it comes first', async () => {
    const w = world(2_000);
    const seen: { at?: number } = {};
    const policy = timeout({ attemptMs: 5_000 }, w.env);
    await w.run((next) => policy.execute(w.ctx, next), hanging(w.clock, seen));
    expect(seen.at).toBe(2_000);
  });
});
