/**
 * @module engine/failover-engine
 * The router: sends a caller request down its group's priority chain, each target guarded by
 * the composed policies (retry around circuit breaker around attempt timeout), under one total
 * deadline. Every decision is an event.
 */
import { createAttempt } from './attempt.js';
import type { BudgetGuard } from './budget-guard.js';
import type { CanaryJudge, CanaryStatus } from './canary.js';
import type { Clock } from './clock.js';
import type { FailoverConfig, GroupConfig } from './config.js';
import { EventHub } from './events.js';
import {
  attemptDepsFor,
  canaryJudgesFor,
  healthCheckerFor,
  pipelineFor,
  prefillFor,
  responseCacheFor,
  spendGuardFor,
  type Pipeline,
} from './from-config.js';
import type { HealthChecker } from './health-checker.js';
import { hedgeDelay, hedged, type RouteStep } from './hedge.js';
import type { AttemptContext, AttemptFn, PolicyEnv, RequestState } from './policy.js';
import type { CircuitBreakerPolicy } from './policies/circuit-breaker.js';
import type { PrefillSupport } from './prefill.js';
import type { ResponseCache } from './response-cache.js';
import type { Rng } from './rng.js';
import { Router, inAttemptOrder } from './routing.js';
import type { Transport } from './transport.js';
import type {
  AttemptFailure,
  AttemptOutcome,
  ChatRequest,
  RequestFailureReason,
  RequestOutcome,
  Target,
} from './types.js';
import {
  DeadlineExceededError,
  cachedAnswer,
  failure,
  howItEnded,
  modelAnswer,
  refused,
  standInAnswer,
} from './outcomes.js';
import type { ResolvedEndpoint } from './wire/wire-adapter.js';

/** What the engine is given to run. */
export interface FailoverEngineOptions {
  readonly clock: Clock;
  readonly transport: Transport;
  readonly rng: Rng;
  /** Endpoints by provider name. */
  readonly endpoints: Readonly<Record<string, ResolvedEndpoint>>;
}

/** One caller request on its way through the failover loop. */
interface Run {
  readonly request: ChatRequest;
  readonly state: RequestState;
  readonly signal: AbortSignal;
  readonly startedAt: number;
  readonly group: GroupConfig;
  readonly cacheKey: string | undefined;
}

/** The failover engine: one per application, shared by all its requests. */
export class FailoverEngine {
  /** Subscribe here for every decision the engine takes. */
  readonly events = new EventHub();
  readonly #config: FailoverConfig;
  readonly #clock: Clock;
  readonly #rng: Rng;
  readonly #pipeline: Pipeline;
  readonly #attempt: AttemptFn;
  readonly #router: Router;
  readonly #cache: ResponseCache | undefined;
  readonly #spend: BudgetGuard | undefined;
  readonly #canaries: Map<string, CanaryJudge>;
  readonly #health: HealthChecker | undefined;
  readonly #prefill: PrefillSupport;

  constructor(config: FailoverConfig, options: FailoverEngineOptions) {
    const { clock, rng } = options;
    this.#config = config;
    this.#clock = clock;
    this.#rng = rng;
    const env: PolicyEnv = { clock, rng, events: this.events };
    this.#router = new Router(rng, config.prices);
    this.#canaries = canaryJudgesFor(config);
    this.#health = healthCheckerFor(config, clock, this.events, () => this.#attempt);
    this.#spend = spendGuardFor(config, clock);
    this.#cache = responseCacheFor(config, clock);
    this.#pipeline = pipelineFor(config, env);
    this.#prefill = prefillFor(config, options.endpoints);
    this.#attempt = createAttempt(
      attemptDepsFor(config, { ...options, events: this.events, prefill: this.#prefill }),
    );
  }

  /** The breaker state of a target, for health pages and tests. */
  breakerState(target: Target): ReturnType<CircuitBreakerPolicy['state']> {
    return this.#pipeline.breaker.state(target);
  }

  /** Serialisable breaker states keyed `provider/model`. */
  breakerSnapshot(): ReturnType<CircuitBreakerPolicy['snapshot']> {
    return this.#pipeline.breaker.snapshot();
  }

  /** Serves one caller request. Never rejects for a provider's failure: read the outcome. */
  async handle(request: ChatRequest, signal?: AbortSignal): Promise<RequestOutcome> {
    const clock = this.#clock;
    const startedAt = clock.now();
    const totalMs = this.#config.timeout.total;
    const state: RequestState = { attempts: 0, deadline: startedAt + totalMs, startedAt };
    this.#pipeline.retryBudget.recordRequest();
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

  /** The route's steps: the spend limit, the cache, the order of targets, the failover loop. */
  async #route(
    request: ChatRequest,
    state: RequestState,
    signal: AbortSignal,
    startedAt: number,
  ): Promise<RequestOutcome> {
    const admitted = this.#admit(request);
    if ('ok' in admitted) return admitted;
    const cacheKey = this.#cache?.key(request);
    const cached =
      cacheKey === undefined ? undefined : this.#fromCache(request, cacheKey, startedAt);
    if (cached !== undefined) return cached;
    const { groupName, group } = admitted;
    const judge = this.#canaries.get(groupName);
    const arm = judge?.draw(this.#rng);
    const health = this.#health;
    const ordered = inAttemptOrder(
      this.#router.order(group),
      health === undefined ? undefined : (t) => health.isHealthy(t),
      arm === 'canary' ? judge?.options.target : undefined,
    );
    const run: Run = { request, state, signal, startedAt, group, cacheKey };
    return this.#failover(run, ordered, (outcome, latencyMs) => {
      const verdict = arm === undefined ? undefined : judge?.observe(arm, outcome, latencyMs);
      if (verdict !== undefined && this.events.active)
        this.events.emit({
          type: 'canary:verdict',
          at: this.#clock.now(),
          group: groupName,
          verdict,
        });
    });
  }

  /** The group to serve the request from, or the refusal when there is none within budget. */
  #admit(
    request: ChatRequest,
  ): { readonly groupName: string; readonly group: GroupConfig } | RequestOutcome {
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
        const spent = decision.spentUsd.toFixed(2);
        return refused(request.id, 'over-budget', `spend limit reached ($${spent} in the window)`);
      }
      groupName = to;
    }
    const group = this.#config.groups[groupName];
    if (group === undefined)
      return refused(request.id, 'no-target', `no model group named "${request.group}"`);
    return { groupName, group };
  }

  /** A fresh cached answer, if there is one. */
  #fromCache(
    request: ChatRequest,
    cacheKey: string,
    startedAt: number,
  ): RequestOutcome | undefined {
    const hit = this.#cache?.fresh(cacheKey, request.group);
    if (hit === undefined) return undefined;
    if (this.events.active)
      this.events.emit({
        type: 'cache:hit',
        at: this.#clock.now(),
        requestId: request.id,
        group: request.group,
      });
    return cachedAnswer(request.id, hit, this.#clock.now() - startedAt);
  }

  /**
   * Tries the targets in order until one answers, the request is refused or cancelled, or the
   * targets run out. `firstAnswered` sees the outcome of the first step (the canary's verdict).
   */
  async #failover(
    run: Run,
    ordered: readonly Target[],
    firstAnswered: (outcome: AttemptOutcome, latencyMs: number) => void,
  ): Promise<RequestOutcome> {
    const { request, state, signal, group } = run;
    let targets = ordered;
    let last: AttemptFailure | undefined;
    let widened = false;
    for (let i = 0; i < targets.length; i++) {
      const targetStart = this.#clock.now();
      const hedge = i === 0 ? this.#hedge(run, targets) : undefined;
      const next = targets[i] as Target;
      const step: RouteStep =
        hedge !== undefined
          ? await hedge
          : {
              target: next,
              outcome: await this.#runTarget({ request, target: next, signal, state }),
              used: 1,
            };
      const { target, outcome } = step;
      if (i === 0) firstAnswered(outcome, this.#clock.now() - targetStart);
      i += step.used - 1;
      if (outcome.ok) return this.#answered(run, target, outcome, targetStart);
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
      const after = targets[i + 1];
      if (after !== undefined) this.#failedOver(request, target, after, outcome);
    }
    return this.#failed(run, last as AttemptFailure);
  }

  /** The first two targets hedged, when the config hedges and the group has a second. */
  #hedge(run: Run, targets: readonly Target[]): Promise<RouteStep> | undefined {
    const [first, second] = targets;
    const hedge = this.#config.hedge;
    if (first === undefined || second === undefined || hedge === undefined) return undefined;
    const delay = hedgeDelay(hedge, (p) => this.#router.percentile(first, p));
    const env = { clock: this.#clock, events: this.events, run: this.#runTarget };
    return hedged(env, delay, run.request, [first, second], run.signal, run.state);
  }

  readonly #runTarget = (ctx: AttemptContext): Promise<AttemptOutcome> =>
    this.#pipeline.run(ctx, this.#attempt);

  /** A target answered: the router, the spend guard and the cache learn of it. */
  #answered(
    run: Run,
    target: Target,
    outcome: Extract<AttemptOutcome, { ok: true }>,
    targetStart: number,
  ): RequestOutcome {
    const { request, state, cacheKey } = run;
    this.#router.observe(target, this.#clock.now() - targetStart);
    this.#spend?.record(target, outcome.usage);
    if (cacheKey !== undefined) {
      this.#cache?.store(cacheKey, request.group, {
        text: outcome.text,
        usage: outcome.usage,
        target,
        responseModel: outcome.responseModel,
      });
    }
    const latencyMs = this.#clock.now() - run.startedAt;
    return modelAnswer(request.id, target, outcome, state.attempts, latencyMs);
  }

  #failedOver(request: ChatRequest, from: Target, to: Target, outcome: AttemptFailure): void {
    this.#cache?.invalidate(request.group);
    if (this.events.active) {
      this.events.emit({
        type: 'failover',
        at: this.#clock.now(),
        requestId: request.id,
        group: request.group,
        from,
        to,
        reason: outcome.reason,
      });
    }
  }

  /** Every target failed: a stand-in answer where the config has one, else the failure. */
  #failed(run: Run, final: AttemptFailure): RequestOutcome {
    const { request, state, startedAt } = run;
    const { reason, standIn } = howItEnded(run.signal, final);
    if (standIn) {
      const degraded = this.#degraded(request, run.cacheKey, reason, state, startedAt);
      if (degraded !== undefined) return degraded;
    }
    return failure(request.id, reason, final, state.attempts, this.#clock.now() - startedAt);
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
    const stand = stale === undefined ? { text: text as string } : { stale };
    return standInAnswer(request.id, stand, state.attempts, this.#clock.now() - startedAt);
  }
}
