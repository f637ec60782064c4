/**
 * @module engine/policies/timeout
 * Bounds each attempt by the attempt timeout and by the request's deadline, whichever comes
 * first. The inner attempt sees an aborted signal and must return promptly.
 */
import type { AttemptContext, AttemptFn, Policy, PolicyEnv } from '../policy.js';
import type { AttemptOutcome } from '../types.js';

/** Timeout options, in milliseconds. */
export interface TimeoutOptions {
  readonly attemptMs: number;
}

/** The reason an attempt's signal carries when its time ran out. */
export class AttemptTimeoutError extends Error {
  readonly code = 'ATTEMPT_TIMEOUT' as const;
  readonly afterMs: number;
  constructor(afterMs: number) {
    super(`attempt timed out after ${Math.round(afterMs)}ms`);
    this.name = 'AttemptTimeoutError';
    this.afterMs = afterMs;
  }
}

/** Creates the per-attempt timeout policy. */
export function timeout(options: TimeoutOptions, env: PolicyEnv): Policy {
  return {
    name: 'timeout',
    async execute(ctx: AttemptContext, next: AttemptFn): Promise<AttemptOutcome> {
      const limit = Math.min(options.attemptMs, ctx.state.deadline - env.clock.now());
      const controller = new AbortController();
      const onParentAbort = (): void => controller.abort(ctx.signal.reason);
      if (ctx.signal.aborted) controller.abort(ctx.signal.reason);
      else ctx.signal.addEventListener('abort', onParentAbort, { once: true });
      const timer = env.clock.setTimer(Math.max(0, limit), () =>
        controller.abort(new AttemptTimeoutError(limit)),
      );
      try {
        return await next({ ...ctx, signal: controller.signal });
      } finally {
        timer.dispose();
        ctx.signal.removeEventListener('abort', onParentAbort);
      }
    },
  };
}
