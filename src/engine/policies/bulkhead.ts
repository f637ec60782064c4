/**
 * @module engine/policies/bulkhead
 * At most `maxConcurrent` attempts in flight per provider; up to `queue` more wait at most
 * `maxWaitMs` for a slot; the rest are shed at once and the router moves on. When the primary
 * fails and every request lands on the backup together (the fallback storm), the backup sees a
 * bounded load instead of all of it.
 */
import type { AttemptContext, AttemptFn, Policy, PolicyEnv } from '../policy.js';
import type { AttemptFailure, AttemptOutcome } from '../types.js';

/** Bulkhead options, in milliseconds. */
export interface BulkheadOptions {
  readonly maxConcurrent: number;
  /** Attempts allowed to wait for a slot. @defaultValue 0 */
  readonly queue: number;
  /** Longest wait for a slot. @defaultValue 0 */
  readonly maxWaitMs: number;
  /** Per-provider `maxConcurrent` overrides. */
  readonly perProvider?: Readonly<Record<string, number>>;
}

interface Compartment {
  active: number;
  readonly waiting: (() => void)[];
}

/** Creates the bulkhead policy. */
export function bulkhead(options: BulkheadOptions, env: PolicyEnv): Policy {
  const compartments = new Map<string, Compartment>();
  const compartmentOf = (provider: string): Compartment => {
    let c = compartments.get(provider);
    if (c === undefined) {
      c = { active: 0, waiting: [] };
      compartments.set(provider, c);
    }
    return c;
  };
  const shed = (ctx: AttemptContext, why: string, waited: boolean): AttemptFailure => {
    if (env.events.active) {
      env.events.emit({
        type: 'bulkhead:shed',
        at: env.clock.now(),
        requestId: ctx.request.id,
        target: ctx.target,
        waited,
      });
    }
    return {
      ok: false,
      target: ctx.target,
      reason: 'shed',
      failureClass: 'saturated',
      message: `bulkhead for ${ctx.target.provider} ${why}`,
    };
  };

  /** Resolves true once a slot is handed over, false when the wait ran out or was aborted. */
  const waitForSlot = (c: Compartment, signal: AbortSignal): Promise<boolean> =>
    new Promise((resolve) => {
      const grant = (): void => {
        timer.dispose();
        signal.removeEventListener('abort', giveUp);
        resolve(true);
      };
      const giveUp = (): void => {
        const index = c.waiting.indexOf(grant);
        if (index !== -1) c.waiting.splice(index, 1);
        timer.dispose();
        signal.removeEventListener('abort', giveUp);
        resolve(false);
      };
      const timer = env.clock.setTimer(options.maxWaitMs, giveUp);
      signal.addEventListener('abort', giveUp, { once: true });
      c.waiting.push(grant);
    });

  const release = (c: Compartment): void => {
    const next = c.waiting.shift();
    // The slot passes straight to the next waiter, so `active` does not change.
    if (next !== undefined) next();
    else c.active--;
  };

  return {
    name: 'bulkhead',
    async execute(ctx: AttemptContext, next: AttemptFn): Promise<AttemptOutcome> {
      const c = compartmentOf(ctx.target.provider);
      const limit = options.perProvider?.[ctx.target.provider] ?? options.maxConcurrent;
      if (c.active >= limit) {
        if (c.waiting.length >= options.queue)
          return shed(ctx, `is full (${limit} in flight)`, false);
        if (!(await waitForSlot(c, ctx.signal))) {
          if (ctx.signal.aborted) {
            return {
              ok: false,
              target: ctx.target,
              reason: 'aborted',
              failureClass: 'final',
              message: 'cancelled while waiting for a bulkhead slot',
            };
          }
          return shed(ctx, `had no slot within ${Math.round(options.maxWaitMs)}ms`, true);
        }
      } else {
        c.active++;
      }
      try {
        return await next(ctx);
      } finally {
        release(c);
      }
    },
  };
}
