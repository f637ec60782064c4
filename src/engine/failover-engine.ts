/**
 * @module engine/failover-engine
 * The router: sends a caller request down its group's priority chain, each target guarded by
 * the composed policies (retry around circuit breaker around attempt timeout), under one total
 * deadline. Every decision is an event.
 */
import { createAttempt } from './attempt.js';
import type { Clock } from './clock.js';
import type { FailoverConfig } from './config.js';
import { EventHub } from './events.js';
import {
  wrap,
  type AttemptContext,
  type AttemptFn,
  type PolicyEnv,
  type RequestState,
} from './policy.js';
import { circuitBreaker, type CircuitBreakerPolicy } from './policies/circuit-breaker.js';
import { bulkhead } from './policies/bulkhead.js';
import { rateLimit } from './policies/rate-limit.js';
import { retry } from './policies/retry.js';
import { RetryBudget } from './policies/retry-budget.js';
import { BudgetGuard } from './budget-guard.js';
import { HealthChecker } from './health-checker.js';
import { CanaryJudge, type CanaryStatus } from './canary.js';
import { ResponseCache } from './response-cache.js';
import { PrefillSupport } from './prefill.js';
import { Router } from './routing.js';
import { timeout } from './policies/timeout.js';
import type { Rng } from './rng.js';
import type { Transport } from './transport.js';
import type {
  AttemptFailure,
  AttemptOutcome,
  ChatRequest,
  RequestFailureReason,
  RequestOutcome,
  Target,
} from './types.js';
import { targetKey } from './types.js';
import type { ResolvedEndpoint } from './wire/wire-adapter.js';

/** The reason the losing attempt of a hedge is cancelled with. */
const HEDGE_LOST = Object.assign(new Error('another attempt of the hedge answered first'), {
  code: 'HEDGE_LOST',
});

/** The target a static stand-in answer is attributed to. */
export const STATIC_TARGET: Target = { provider: 'static', model: 'static' };

/** What the engine is given to run. */
export interface FailoverEngineOptions {
  readonly clock: Clock;
  readonly transport: Transport;
  readonly rng: Rng;
  /** Endpoints by provider name. */
  readonly endpoints: Readonly<Record<string, ResolvedEndpoint>>;
}

/** The reason a request's signal carries when its total deadline passes. */
export class DeadlineExceededError extends Error {
  readonly code = 'DEADLINE_EXCEEDED' as const;
  readonly afterMs: number;
  constructor(afterMs: number) {
    super(`request deadline of ${Math.round(afterMs)}ms exceeded`);
    this.name = 'DeadlineExceededError';
    this.afterMs = afterMs;
  }
}

/** The failover engine: one per application, shared by all its requests. */
export class FailoverEngine {
  /** Subscribe here for every decision the engine takes. */
  readonly events = new EventHub();
  readonly #config: FailoverConfig;
  readonly #clock: Clock;
  readonly #breaker: CircuitBreakerPolicy;
  readonly #pipeline: (ctx: AttemptContext, terminal: AttemptFn) => Promise<AttemptOutcome>;
  readonly #attempt: AttemptFn;
  readonly #budget: RetryBudget;
  readonly #router: Router;
  readonly #cache: ResponseCache | undefined;
  readonly #spend: BudgetGuard | undefined;
  readonly #canaries = new Map<string, CanaryJudge>();
  readonly #health: HealthChecker | undefined;
  readonly #rng: Rng;
  readonly #prefill: PrefillSupport;

  constructor(config: FailoverConfig, options: FailoverEngineOptions) {
    this.#config = config;
    this.#clock = options.clock;
    const env: PolicyEnv = { clock: options.clock, rng: options.rng, events: this.events };
    this.#router = new Router(options.rng, config.prices);
    this.#rng = options.rng;
    for (const [name, group] of Object.entries(config.groups)) {
      if (group.canary !== undefined) this.#canaries.set(name, new CanaryJudge(group.canary));
    }
    const check = config.healthCheck;
    if (check === undefined) this.#health = undefined;
    else {
      const seen = new Map<string, Target>();
      for (const group of Object.values(config.groups))
        for (const t of group.targets) seen.set(targetKey(t), t);
      let probes = 0;
      // A probe is the smallest real request, sent by the attempt step alone: no retries, no
      // breaker, its own timeout.
      const probe = async (target: Target): Promise<boolean> => {
        const controller = new AbortController();
        const timer = options.clock.setTimer(check.timeout, () =>
          controller.abort(new Error('health probe timed out')),
        );
        const request: ChatRequest = {
          id: `health-${++probes}`,
          group: '',
          messages: [{ role: 'user', content: 'ping' }],
          maxTokens: 1,
          stream: false,
        };
        try {
          const outcome = await this.#attempt({
            request,
            target,
            signal: controller.signal,
            state: {
              attempts: 0,
              deadline: Number.POSITIVE_INFINITY,
              startedAt: options.clock.now(),
            },
          });
          return outcome.ok;
        } finally {
          timer.dispose();
        }
      };
      this.#health = new HealthChecker(
        {
          intervalMs: check.interval,
          unhealthyAfter: check.unhealthyAfter,
          healthyAfter: check.healthyAfter,
        },
        [...seen.values()],
        probe,
        options.clock,
        this.events,
      );
    }
    const budget = config.budget;
    this.#spend =
      budget === undefined
        ? undefined
        : new BudgetGuard(
            {
              windowMs: budget.window,
              maxUsd: budget.maxUsd,
              action: budget.action,
              downgradeTo: budget.downgradeTo,
              prices: config.prices,
            },
            options.clock,
          );
    this.#cache =
      config.cache === undefined
        ? undefined
        : new ResponseCache(
            {
              ttlMs: config.cache.ttl,
              maxStaleMs: config.cache.maxStale,
              maxEntries: config.cache.maxEntries,
            },
            options.clock,
          );
    this.#budget = new RetryBudget(
      {
        ratio: config.retry.budget.ratio,
        minPerSecond: config.retry.budget.minPerSecond,
        windowMs: config.retry.budget.window,
      },
      options.clock,
    );
    const breaker = config.breaker;
    this.#breaker = circuitBreaker(
      {
        kind: breaker.kind,
        consecutiveFailures: breaker.consecutiveFailures,
        failureRatio: breaker.failureRatio,
        windowMs: breaker.window,
        minimumThroughput: breaker.minimumThroughput,
        breakDurationMs: breaker.breakDuration,
        maxBreakDurationMs: Math.max(
          breaker.breakDuration,
          breaker.maxBreakDuration ?? breaker.breakDuration,
        ),
        halfOpenProbes: breaker.halfOpenProbes,
      },
      env,
    );
    this.#pipeline = wrap(
      retry(
        {
          maxAttempts: config.retry.maxAttempts,
          baseDelayMs: config.retry.baseDelay,
          maxDelayMs: config.retry.maxDelay,
          jitter: config.retry.jitter,
          retryAfterCapMs: config.retry.retryAfterCap,
          budget: this.#budget,
          retryOn: config.retry.on,
        },
        env,
      ),
      ...(config.rateLimit === undefined
        ? []
        : [
            rateLimit(
              { perProvider: config.rateLimit.perProvider, maxWaitMs: config.rateLimit.maxWait },
              env,
            ),
          ]),
      ...(config.bulkhead === undefined
        ? []
        : [
            bulkhead(
              {
                maxConcurrent: config.bulkhead.maxConcurrent,
                queue: config.bulkhead.queue,
                maxWaitMs: config.bulkhead.maxWait,
                ...(config.bulkhead.perProvider === undefined
                  ? {}
                  : { perProvider: config.bulkhead.perProvider }),
              },
              env,
            ),
          ]),
      this.#breaker,
      timeout({ attemptMs: config.timeout.attempt }, env),
    );
    this.#prefill = new PrefillSupport(
      config.stream.prefill,
      (provider) => options.endpoints[provider]?.wire,
    );
    const { firstToken, streamIdle } = config.timeout;
    this.#attempt = createAttempt({
      clock: options.clock,
      transport: options.transport,
      events: this.events,
      endpoint: (provider) => options.endpoints[provider],
      streamLimits: {
        firstTokenMs: firstToken === 'off' ? undefined : firstToken,
        streamIdleMs: streamIdle === 'off' ? undefined : streamIdle,
      },
      onBreak: config.stream.onBreak,
      prefill: this.#prefill,
    });
  }

  /** The breaker state of a target, for health pages and tests. */
  breakerState(target: Target): ReturnType<CircuitBreakerPolicy['state']> {
    return this.#breaker.state(target);
  }

  /** Serialisable breaker states keyed `provider/model`. */
  breakerSnapshot(): ReturnType<CircuitBreakerPolicy['snapshot']> {
    return this.#breaker.snapshot();
  }

  /** Serves one caller request. Never rejects for a provider's failure: read the outcome. */
  async handle(request: ChatRequest, signal?: AbortSignal): Promise<RequestOutcome> {
    const clock = this.#clock;
    const startedAt = clock.now();
    const totalMs = this.#config.timeout.total;
    const state: RequestState = { attempts: 0, deadline: startedAt + totalMs, startedAt };
    this.#budget.recordRequest();
    const controller = new AbortController();
    const deadline = clock.setTimer(totalMs, () =>
      controller.abort(new DeadlineExceededError(totalMs)),
    );
    const onCallerAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    if (this.events.active)
      this.events.emit({
        type: 'request:start',
        at: startedAt,
        requestId: request.id,
        group: request.group,
        request,
      });

    let outcome: RequestOutcome;
    try {
      outcome = await this.#route(request, state, controller.signal, startedAt);
    } finally {
      deadline.dispose();
      signal?.removeEventListener('abort', onCallerAbort);
    }
    if (this.events.active) this.events.emit({ type: 'request:end', at: clock.now(), outcome });
    return outcome;
  }

  async #route(
    request: ChatRequest,
    state: RequestState,
    signal: AbortSignal,
    startedAt: number,
  ): Promise<RequestOutcome> {
    let groupName = request.group;
    const decision = this.#spend?.decide(groupName);
    if (decision !== undefined && decision.action !== 'allow') {
      const to = this.#config.budget?.downgradeTo;
      if (this.events.active) {
        this.events.emit({
          type: 'budget:action',
          at: this.#clock.now(),
          requestId: request.id,
          action: decision.action,
          group: groupName,
          spentUsd: decision.spentUsd,
        });
      }
      if (decision.action === 'reject' || to === undefined) {
        return {
          ok: false,
          requestId: request.id,
          reason: 'over-budget',
          message: `spend limit reached ($${decision.spentUsd.toFixed(2)} in the window)`,
          attempts: 0,
          latencyMs: 0,
        };
      }
      groupName = to;
    }
    const group = this.#config.groups[groupName];
    if (group === undefined) {
      return {
        ok: false,
        requestId: request.id,
        reason: 'no-target',
        message: `no model group named "${request.group}"`,
        attempts: 0,
        latencyMs: 0,
      };
    }
    const cache = this.#cache;
    const cacheKey = cache?.key(request);
    if (cache !== undefined && cacheKey !== undefined) {
      const hit = cache.fresh(cacheKey, request.group);
      if (hit !== undefined) {
        if (this.events.active)
          this.events.emit({
            type: 'cache:hit',
            at: this.#clock.now(),
            requestId: request.id,
            group: request.group,
          });
        return {
          ok: true,
          requestId: request.id,
          target: hit.target,
          text: hit.text,
          usage: hit.usage,
          responseModel: hit.responseModel,
          attempt: 0,
          attempts: 0,
          latencyMs: this.#clock.now() - startedAt,
          degraded: false,
        };
      }
    }
    const judge = this.#canaries.get(groupName);
    const arm =
      judge === undefined
        ? undefined
        : this.#rng.next() < judge.options.share
          ? 'canary'
          : 'primary';
    const health = this.#health;
    const routed = this.#router.order(group);
    // Ejected targets are passed over while any other target is healthy.
    const healthy = health === undefined ? routed : routed.filter((t) => health.isHealthy(t));
    const ordered = healthy.length > 0 ? healthy : routed;
    let targets =
      judge !== undefined && arm === 'canary'
        ? [
            judge.options.target,
            ...ordered.filter((t) => targetKey(t) !== targetKey(judge.options.target)),
          ]
        : ordered;
    let last: AttemptFailure | undefined;
    let widened = false;
    for (let i = 0; i < targets.length; i++) {
      const targetStart = this.#clock.now();
      const second = targets[i + 1];
      const step =
        i === 0 && second !== undefined && this.#config.hedge !== undefined
          ? await this.#hedged(request, targets[0] as Target, second, signal, state)
          : {
              target: targets[i] as Target,
              outcome: await this.#pipeline(
                { request, target: targets[i] as Target, signal, state },
                this.#attempt,
              ),
              used: 1,
            };
      const { target, outcome } = step;
      if (i === 0 && judge !== undefined && arm !== undefined)
        this.#judge(groupName, judge, arm, outcome, this.#clock.now() - targetStart);
      i += step.used - 1;
      if (outcome.ok) {
        this.#router.observe(target, this.#clock.now() - targetStart);
        this.#spend?.record(target, outcome.usage);
        if (cache !== undefined && cacheKey !== undefined) {
          cache.store(cacheKey, request.group, {
            text: outcome.text,
            usage: outcome.usage,
            target,
            responseModel: outcome.responseModel,
          });
        }
        return {
          ok: true,
          requestId: request.id,
          target,
          text: outcome.text,
          usage: outcome.usage,
          responseModel: outcome.responseModel,
          attempt: outcome.attempt ?? state.attempts,
          attempts: state.attempts,
          latencyMs: this.#clock.now() - startedAt,
          degraded: false,
          ...(outcome.continues === undefined ? {} : { continues: outcome.continues }),
        };
      }
      last = outcome;
      // A target that refuses the prefill gets the request again, from the start.
      if (outcome.prefilled === true && outcome.failureClass === 'invalid-request') {
        this.#prefill.refused(target);
        if (this.events.active)
          this.events.emit({
            type: 'prefill:refused',
            at: this.#clock.now(),
            requestId: request.id,
            target,
          });
        if (!signal.aborted) i -= step.used;
        continue;
      }
      // Too long for this group's context window: on to the larger-context group, once.
      const wider = group.contextFallback;
      if (
        outcome.refusal === 'context-length' &&
        wider !== undefined &&
        !widened &&
        !signal.aborted
      ) {
        widened = true;
        const more = this.#config.groups[wider];
        if (more !== undefined) targets = [...targets.slice(0, i + 1), ...this.#router.order(more)];
      }
      // A refused request (context length, content filter) or a cancelled one ends here:
      // another target would refuse it too, or nobody is waiting for the answer.
      else if (
        outcome.failureClass === 'final' ||
        outcome.failureClass === 'invalid-request' ||
        signal.aborted
      )
        break;
      const next = targets[i + 1];
      if (next !== undefined) cache?.invalidate(request.group);
      if (next !== undefined && this.events.active) {
        this.events.emit({
          type: 'failover',
          at: this.#clock.now(),
          requestId: request.id,
          group: request.group,
          from: target,
          to: next,
          reason: outcome.reason,
        });
      }
    }
    const final = last as AttemptFailure;
    const timedOut =
      signal.aborted &&
      (signal.reason as { code?: unknown } | undefined)?.code === 'DEADLINE_EXCEEDED';
    const reason = timedOut && final.reason === 'aborted' ? 'timeout' : final.reason;
    // Stand-ins only for an outage: a refused request, a caller who left, or a stream the
    // config says must end in its error gets the truth.
    const standIn =
      final.failureClass === 'final' ? timedOut : final.failureClass !== 'invalid-request';
    if (standIn) {
      const degraded = this.#degraded(request, cacheKey, reason, state, startedAt);
      if (degraded !== undefined) return degraded;
    }
    return {
      ok: false,
      requestId: request.id,
      reason,
      message: final.message,
      attempts: state.attempts,
      latencyMs: this.#clock.now() - startedAt,
      ...(final.status === undefined ? {} : { status: final.status }),
      ...(final.code === undefined ? {} : { code: final.code }),
      ...(final.refusal === undefined ? {} : { refusal: final.refusal }),
    };
  }

  /**
   * The first target, and after the hedge delay the second one too if the first has not
   * answered; the first success wins and the other attempt is cancelled (its cost stays spent).
   * `used` tells how many targets the step consumed.
   */
  async #hedged(
    request: ChatRequest,
    first: Target,
    second: Target,
    signal: AbortSignal,
    state: RequestState,
  ): Promise<{ target: Target; outcome: AttemptOutcome; used: number }> {
    const hedge = this.#config.hedge as NonNullable<FailoverConfig['hedge']>;
    const delay =
      hedge.percentile === undefined
        ? hedge.delay
        : (this.#router.percentile(first, hedge.percentile) ?? hedge.delay);
    const legs: AbortController[] = [];
    const start = (
      target: Target,
    ): Promise<{ target: Target; outcome: AttemptOutcome; leg: AbortController }> => {
      const leg = new AbortController();
      legs.push(leg);
      const onAbort = (): void => leg.abort(signal.reason);
      if (signal.aborted) leg.abort(signal.reason);
      else signal.addEventListener('abort', onAbort, { once: true });
      return this.#pipeline({ request, target, signal: leg.signal, state }, this.#attempt)
        .finally(() => signal.removeEventListener('abort', onAbort))
        .then((outcome) => ({ target, outcome, leg }));
    };
    const primary = start(first);
    let timer: { dispose(): void } | undefined;
    const fired = new Promise<'hedge'>((resolve) => {
      timer = this.#clock.setTimer(delay, () => resolve('hedge'));
    });
    const early = await Promise.race([primary, fired]);
    if (early !== 'hedge') {
      timer?.dispose();
      return { target: early.target, outcome: early.outcome, used: 1 };
    }
    if (this.events.active)
      this.events.emit({
        type: 'hedge:start',
        at: this.#clock.now(),
        requestId: request.id,
        primary: first,
        hedge: second,
      });
    const winner = await new Promise<{
      target: Target;
      outcome: AttemptOutcome;
      leg: AbortController;
    }>((resolve) => {
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

  /** Starts the active health checks, when the config has them. */
  startHealthChecks(): void {
    this.#health?.start();
  }

  /** Stops scheduling health checks. */
  stopHealthChecks(): void {
    this.#health?.stop();
  }

  /** Where a group's canary stands, if it has one. */
  canaryStatus(group: string): CanaryStatus | undefined {
    return this.#canaries.get(group)?.status();
  }

  #judge(
    group: string,
    judge: CanaryJudge,
    arm: 'canary' | 'primary',
    outcome: AttemptOutcome,
    latencyMs: number,
  ): void {
    // A cancelled first attempt (the caller left) says nothing about either arm.
    if (!outcome.ok && outcome.failureClass === 'final') return;
    const before = judge.status().verdict;
    judge.record(arm, outcome.ok, latencyMs);
    const after = judge.status().verdict;
    if (after !== before && this.events.active)
      this.events.emit({ type: 'canary:verdict', at: this.#clock.now(), group, verdict: after });
  }

  /** A stale cached answer, else the static one, else nothing. */
  #degraded(
    request: ChatRequest,
    cacheKey: string | undefined,
    reason: RequestFailureReason,
    state: RequestState,
    startedAt: number,
  ): RequestOutcome | undefined {
    const stale = cacheKey === undefined ? undefined : this.#cache?.stale(cacheKey);
    const text = this.#config.degrade?.static;
    if (stale === undefined && text === undefined) return undefined;
    if (this.events.active) {
      this.events.emit({
        type: 'answer:degraded',
        at: this.#clock.now(),
        requestId: request.id,
        source: stale === undefined ? 'static' : 'stale-cache',
        reason,
      });
    }
    const common = {
      requestId: request.id,
      attempt: 0,
      attempts: state.attempts,
      latencyMs: this.#clock.now() - startedAt,
      degraded: true,
    } as const;
    if (stale !== undefined)
      return {
        ok: true,
        ...common,
        target: stale.target,
        text: stale.text,
        usage: stale.usage,
        responseModel: stale.responseModel,
      };
    return {
      ok: true,
      ...common,
      target: STATIC_TARGET,
      text: text as string,
      usage: { inputTokens: 0, outputTokens: 0 },
      responseModel: 'static',
    };
  }
}
