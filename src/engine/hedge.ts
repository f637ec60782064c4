/**
 * @module engine/hedge
 * Request hedging: the first target, and after the hedge delay the second one too if the first
 * has not answered. The first success wins and the other attempt is cancelled (its cost stays
 * spent).
 */
import type { Clock } from './clock.js';
import type { EventHub } from './events.js';
import type { AttemptContext, RequestState } from './policy.js';
import type { AttemptOutcome, ChatRequest, Target } from './types.js';

/** The reason the losing attempt of a hedge is cancelled with. */
const HEDGE_LOST = Object.assign(new Error('another attempt of the hedge answered first'), {
  code: 'HEDGE_LOST',
});

/** One step of the failover loop: the target that answered last and how many targets it used. */
export interface RouteStep {
  readonly target: Target;
  readonly outcome: AttemptOutcome;
  readonly used: number;
}

/** What a hedge needs of the engine. */
export interface HedgeEnv {
  readonly clock: Clock;
  readonly events: EventHub;
  /** Runs one target through the policy pipeline. */
  readonly run: (ctx: AttemptContext) => Promise<AttemptOutcome>;
}

/**
 * The hedge delay: the configured one, or the first target's latency percentile once the router
 * has measured enough answers to trust it.
 */
export function hedgeDelay(
  hedge: { readonly delay: number; readonly percentile?: number | undefined },
  percentile: (p: number) => number | undefined,
): number {
  return hedge.percentile === undefined
    ? hedge.delay
    : (percentile(hedge.percentile) ?? hedge.delay);
}

interface Leg {
  readonly target: Target;
  readonly outcome: AttemptOutcome;
  readonly leg: AbortController;
}

/** Hedges `first` with `second` after `delayMs`; `used` is 1 when the first answered in time. */
export async function hedged(
  env: HedgeEnv,
  delayMs: number,
  request: ChatRequest,
  [first, second]: readonly [Target, Target],
  signal: AbortSignal,
  state: RequestState,
): Promise<RouteStep> {
  const legs: AbortController[] = [];
  const start = (target: Target): Promise<Leg> => {
    const leg = new AbortController();
    legs.push(leg);
    const onAbort = (): void => leg.abort(signal.reason);
    if (signal.aborted) leg.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
    return env
      .run({ request, target, signal: leg.signal, state })
      .finally(() => signal.removeEventListener('abort', onAbort))
      .then((outcome) => ({ target, outcome, leg }));
  };
  const primary = start(first);
  let timer: { dispose(): void } | undefined;
  const fired = new Promise<'hedge'>((resolve) => {
    timer = env.clock.setTimer(delayMs, () => resolve('hedge'));
  });
  const early = await Promise.race([primary, fired]);
  if (early !== 'hedge') {
    timer?.dispose();
    return { target: early.target, outcome: early.outcome, used: 1 };
  }
  if (env.events.active)
    env.events.emit({
      type: 'hedge:start',
      at: env.clock.now(),
      requestId: request.id,
      primary: first,
      hedge: second,
    });
  const winner = await new Promise<Leg>((resolve) => {
    let pending = 2;
    for (const leg of [primary, start(second)]) {
      void leg.then((result) => {
        pending--;
        if (result.outcome.ok || pending === 0) resolve(result);
      });
    }
  });
  for (const leg of legs) if (leg !== winner.leg) leg.abort(HEDGE_LOST);
  return { target: winner.target, outcome: winner.outcome, used: 2 };
}
