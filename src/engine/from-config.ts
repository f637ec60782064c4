/**
 * @module engine/from-config
 * The config-to-engine mapping: each section of a failover config becomes the part of the engine
 * that carries it out. Durations arrive here in milliseconds already; the names change from the
 * config's (`breakDuration`) to the parts' (`breakDurationMs`).
 */
import { answerRules } from './answer-validation.js';
import type { AttemptDeps } from './attempt.js';
import type { Clock } from './clock.js';
import type { FailoverConfig } from './config.js';
import type { EventHub } from './events.js';
import { PrefillSupport } from './prefill.js';
import type { Transport } from './transport.js';
import type { ResolvedEndpoint } from './wire/wire-adapter.js';
import { BudgetGuard } from './budget-guard.js';
import { CanaryJudge } from './canary.js';
import { HealthChecker } from './health-checker.js';
import { ResponseCache } from './response-cache.js';
import { wrap, type AttemptContext, type AttemptFn, type PolicyEnv } from './policy.js';
import { bulkhead } from './policies/bulkhead.js';
import { circuitBreaker, type CircuitBreakerPolicy } from './policies/circuit-breaker.js';
import { rateLimit } from './policies/rate-limit.js';
import { retry } from './policies/retry.js';
import { RetryBudget } from './policies/retry-budget.js';
import { timeout } from './policies/timeout.js';
import type { AttemptOutcome, ChatRequest, Target } from './types.js';
import { targetKey } from './types.js';

/** The composed policies every attempt runs through, and the parts the engine reads directly. */
export interface Pipeline {
  readonly run: (ctx: AttemptContext, terminal: AttemptFn) => Promise<AttemptOutcome>;
  readonly breaker: CircuitBreakerPolicy;
  readonly retryBudget: RetryBudget;
}

/**
 * Retry around the rate limiter and bulkhead (when configured) around the circuit breaker around
 * the attempt timeout: a retry waits its backoff outside every guard, and the breaker counts
 * timed attempts.
 */
export function pipelineFor(config: FailoverConfig, env: PolicyEnv): Pipeline {
  const retryBudget = new RetryBudget(
    {
      ratio: config.retry.budget.ratio,
      minPerSecond: config.retry.budget.minPerSecond,
      windowMs: config.retry.budget.window,
    },
    env.clock,
  );
  const b = config.breaker;
  const breaker = circuitBreaker(
    {
      kind: b.kind,
      consecutiveFailures: b.consecutiveFailures,
      failureRatio: b.failureRatio,
      windowMs: b.window,
      minimumThroughput: b.minimumThroughput,
      percentile: b.percentile,
      latencyThresholdMs: b.latencyThreshold,
      breakDurationMs: b.breakDuration,
      maxBreakDurationMs: Math.max(b.breakDuration, b.maxBreakDuration ?? b.breakDuration),
      halfOpenProbes: b.halfOpenProbes,
    },
    env,
  );
  const run = wrap(
    retry(
      {
        maxAttempts: config.retry.maxAttempts,
        baseDelayMs: config.retry.baseDelay,
        maxDelayMs: config.retry.maxDelay,
        jitter: config.retry.jitter,
        retryAfterCapMs: config.retry.retryAfterCap,
        budget: retryBudget,
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
    breaker,
    timeout({ attemptMs: config.timeout.attempt }, env),
  );
  return { run, breaker, retryBudget };
}

/** A canary judge for each group that names a canary target. */
export function canaryJudgesFor(config: FailoverConfig): Map<string, CanaryJudge> {
  const judges = new Map<string, CanaryJudge>();
  for (const [name, group] of Object.entries(config.groups))
    if (group.canary !== undefined) judges.set(name, new CanaryJudge(group.canary));
  return judges;
}

/** The spend guard, when the config sets a budget. */
export function spendGuardFor(config: FailoverConfig, clock: Clock): BudgetGuard | undefined {
  const budget = config.budget;
  if (budget === undefined) return undefined;
  return new BudgetGuard(
    {
      windowMs: budget.window,
      maxUsd: budget.maxUsd,
      action: budget.action,
      downgradeTo: budget.downgradeTo,
      prices: config.prices,
    },
    clock,
  );
}

/** The response cache, when the config has one. */
export function responseCacheFor(config: FailoverConfig, clock: Clock): ResponseCache | undefined {
  const cache = config.cache;
  if (cache === undefined) return undefined;
  return new ResponseCache(
    { ttlMs: cache.ttl, maxStaleMs: cache.maxStale, maxEntries: cache.maxEntries },
    clock,
  );
}

/**
 * Active health checks over every target the groups name, when the config has them. A probe is
 * the smallest real request, sent by the attempt step alone: no retries, no breaker, its own
 * timeout. `attempt` is read when a probe is sent, so the engine may build it afterwards.
 */
export function healthCheckerFor(
  config: FailoverConfig,
  clock: Clock,
  events: EventHub,
  attempt: () => AttemptFn,
): HealthChecker | undefined {
  const check = config.healthCheck;
  if (check === undefined) return undefined;
  const seen = new Map<string, Target>();
  for (const group of Object.values(config.groups))
    for (const t of group.targets) seen.set(targetKey(t), t);
  let probes = 0;
  const probe = async (target: Target): Promise<boolean> => {
    const controller = new AbortController();
    const timer = clock.setTimer(check.timeout, () =>
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
      const outcome = await attempt()({
        request,
        target,
        signal: controller.signal,
        state: { attempts: 0, deadline: Number.POSITIVE_INFINITY, startedAt: clock.now() },
      });
      return outcome.ok;
    } finally {
      timer.dispose();
    }
  };
  return new HealthChecker(
    {
      intervalMs: check.interval,
      unhealthyAfter: check.unhealthyAfter,
      healthyAfter: check.healthyAfter,
    },
    [...seen.values()],
    probe,
    clock,
    events,
  );
}

/** What the attempt step needs: the runtime, the stream limits (`off` unset), the break rule. */
export function attemptDepsFor(
  config: FailoverConfig,
  runtime: {
    readonly clock: Clock;
    readonly transport: Transport;
    readonly events: EventHub;
    readonly endpoints: Readonly<Record<string, ResolvedEndpoint>>;
    readonly prefill: PrefillSupport;
  },
): AttemptDeps {
  const { firstToken, streamIdle } = config.timeout;
  return {
    clock: runtime.clock,
    transport: runtime.transport,
    events: runtime.events,
    endpoint: (provider) => runtime.endpoints[provider],
    streamLimits: {
      firstTokenMs: firstToken === 'off' ? undefined : firstToken,
      streamIdleMs: streamIdle === 'off' ? undefined : streamIdle,
    },
    onBreak: config.stream.onBreak,
    prefill: runtime.prefill,
    ...(config.validate === undefined ? {} : { validate: answerRules(config.validate) }),
  };
}

/** Which providers may be sent an assistant prefill, learnt from their wires and refusals. */
export function prefillFor(
  config: FailoverConfig,
  endpoints: Readonly<Record<string, ResolvedEndpoint>>,
): PrefillSupport {
  return new PrefillSupport(config.stream.prefill, (provider) => endpoints[provider]?.wire);
}
