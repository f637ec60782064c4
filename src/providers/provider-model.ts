/**
 * @module providers/provider-model
 * A pure model of one provider: given the time, a request and its own state (rate-limit
 * buckets, warm or cold models, the fault timeline), it plans the response. It knows nothing of
 * HTTP or wire formats; the handlers render its plans.
 */
import type { Rng } from '../engine/rng.js';
import { sample } from '../scenario/sample.js';
import type { ProviderSpec } from '../scenario/schema.js';
import {
  addEffect,
  answerContent,
  noEffects,
  refusalOf,
  type FaultEffects,
} from './fault-effects.js';
import type { TimedFault } from './fault-timeline.js';
import { DEFAULT_ANSWER_TOKENS } from './wire-renderer.js';
import { aimsAt, AttemptLedger, isAimed, type Caller, type CallerHints } from './aimed-faults.js';
import type { ErrorKind, RateLimitInfo, RateMeter, ResponsePlan } from './response-plan.js';
import { TokenBucket } from '../engine/token-bucket.js';

/** A request as the provider sees it, already read off the wire. */
export interface ProviderRequest extends CallerHints {
  readonly model: string;
  readonly inputTokens: number;
  readonly maxTokens: number;
  /** The answer length the prompt asks for, if it says. */
  readonly wantedTokens: number | undefined;
  readonly stream: boolean;
  /** Characters of an assistant prefill the answer is to continue from; 0 for none. */
  readonly prefillChars: number;
  /** The JSON output the request asks for, if any. */
  readonly json: 'schema' | 'object' | undefined;
}

interface ModelState {
  lastRequestAt: number;
  warmUntil: number;
  requests: TokenBucket | undefined;
  tokens: TokenBucket | undefined;
}

/**
 * The rate-limit headers of a 429: the bucket a throttled request met is empty, whether it ran
 * dry or a `rate-limit` fault throttled it, and refills no sooner than `Retry-After` says. Where
 * a fault throttled it, the requests bucket is the one shown empty.
 */
function throttled(
  rate: RateLimitInfo,
  retryAfterMs: number | undefined,
  dry: 'requests' | 'tokens',
): RateLimitInfo {
  const empty = (meter: RateMeter): RateMeter => ({
    ...meter,
    remaining: 0,
    resetMs: Math.max(meter.resetMs, retryAfterMs ?? 0),
  });
  const shown = dry === 'tokens' && rate.tokens !== undefined ? 'tokens' : 'requests';
  return {
    ...(rate.requests === undefined
      ? {}
      : { requests: shown === 'requests' ? empty(rate.requests) : rate.requests }),
    ...(rate.tokens === undefined
      ? {}
      : { tokens: shown === 'tokens' ? empty(rate.tokens) : rate.tokens }),
  };
}

/** One mock provider's behaviour. */
export class ProviderModel {
  readonly name: string;
  readonly spec: ProviderSpec;
  #faults: readonly TimedFault[];
  readonly #scenarioFaults: readonly TimedFault[];
  readonly #rng: Rng;
  readonly #startMs: number;
  readonly #models = new Map<string, ModelState>();
  readonly #ledger = new AttemptLedger();
  /** Whether a fault is aimed at attempts or requests, so callers need telling apart. */
  #aimed: boolean;

  /**
   * @param startMs - clock time of the drill's start; fault windows are relative to it.
   * @param faults - this provider's faults, in declaration order.
   */
  constructor(
    name: string,
    spec: ProviderSpec,
    faults: readonly TimedFault[],
    rng: Rng,
    startMs: number,
  ) {
    this.name = name;
    this.spec = spec;
    this.#faults = faults;
    this.#scenarioFaults = faults;
    this.#rng = rng;
    this.#startMs = startMs;
    this.#aimed = faults.some(isAimed);
  }

  /** Adds a fault while the provider is serving (live mode's admin endpoint). */
  addFault(fault: TimedFault): void {
    this.#faults = [...this.#faults, fault];
    this.#aimed ||= isAimed(fault);
  }

  /** Whether a fault is aimed at attempts or requests, so a request's caller must be told. */
  get aimed(): boolean {
    return this.#aimed;
  }

  /** Drops the faults added while serving; the scenario's own stay. */
  clearAddedFaults(): void {
    this.#faults = this.#scenarioFaults;
  }

  /** The faults in force: the scenario's, then those added while serving. */
  get faults(): readonly TimedFault[] {
    return this.#faults;
  }

  /** USD for the given tokens on `model` (0 for an unknown model). */
  cost(model: string, inputTokens: number, outputTokens: number): number {
    const price = this.spec.models[model];
    if (price === undefined) return 0;
    return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
  }

  #state(model: string, now: number): ModelState {
    let state = this.#models.get(model);
    if (state === undefined) {
      const limits = this.spec.rateLimits;
      state = {
        lastRequestAt: Number.NEGATIVE_INFINITY,
        warmUntil: Number.NEGATIVE_INFINITY,
        requests: limits?.rpm === undefined ? undefined : new TokenBucket(limits.rpm, now),
        tokens: limits?.tpm === undefined ? undefined : new TokenBucket(limits.tpm, now),
      };
      this.#models.set(model, state);
    }
    return state;
  }

  #rateLimit(state: ModelState, now: number): RateLimitInfo {
    const info: { requests?: RateMeter; tokens?: RateMeter } = {};
    if (state.requests !== undefined) {
      info.requests = {
        limit: state.requests.capacity,
        remaining: Math.max(0, state.requests.remaining(now)),
        resetMs: state.requests.resetMs(now),
      };
    }
    if (state.tokens !== undefined) {
      info.tokens = {
        limit: state.tokens.capacity,
        remaining: Math.max(0, state.tokens.remaining(now)),
        resetMs: state.tokens.resetMs(now),
      };
    }
    return info;
  }

  /**
   * What the faults active at drill time `t` do to a request for `model`: the first refusing
   * fault answers it; latency faults add up; the first stream fault is the one that happens.
   */
  #faultEffects(
    t: number,
    model: string,
    caller: Caller | undefined,
    ttft: number,
    json: boolean,
    error: (kind: ErrorKind, status: number, retryAfterMs: number | undefined) => ResponsePlan,
  ): ResponsePlan | FaultEffects {
    const effects = noEffects();
    for (const fault of this.#faults) {
      if (t < fault.startMs || t >= fault.endMs) continue;
      if (fault.model !== undefined && fault.model !== model) continue;
      const spec = fault.spec;
      if (caller !== undefined && !aimsAt(fault, caller)) continue;
      if (spec.probability < 1 && this.#rng.next() >= spec.probability) continue;
      const refusal = refusalOf(spec, ttft, this.spec.wire, error);
      if (refusal !== undefined) return refusal;
      addEffect(effects, fault, t, this.spec.chunkTokens, json);
    }
    return effects;
  }

  /** Plans the response to `request` arriving at clock time `now`. */
  plan(now: number, request: ProviderRequest): ResponsePlan {
    const t = now - this.#startMs;
    const caller = this.#ledger.note(request, this.#aimed);
    const rng = this.#rng;
    const modelSpec = this.spec.models[request.model];
    const state = this.#state(request.model, now);
    const ttft = Math.max(1, sample(this.spec.latency.ttft, rng));
    const quick = ttft / 4;
    const error = (
      kind: ErrorKind,
      status: number,
      retryAfterMs: number | undefined,
      dry: 'requests' | 'tokens' = 'requests',
    ): ResponsePlan => ({
      kind: 'error',
      afterMs: quick,
      error: kind,
      status,
      retryAfterMs,
      rateLimit:
        kind === 'rate-limited'
          ? throttled(this.#rateLimit(state, now), retryAfterMs, dry)
          : this.#rateLimit(state, now),
    });

    if (modelSpec === undefined) return error('model-not-found', 404, undefined);

    const json = request.json !== undefined;
    const effects = this.#faultEffects(t, request.model, caller, ttft, json, error);
    if ('kind' in effects) return effects;
    const { extraLatency, firstTokenDelay, streamFault, soft, drift } = effects;

    if (request.inputTokens > modelSpec.contextWindow)
      return error('context-length-exceeded', 400, undefined);
    if (request.prefillChars > 0 && !this.spec.prefill)
      return error('prefill-unsupported', 400, undefined);

    // A prefilled answer goes on from where the prefill stops (four characters a token).
    const wanted = Math.max(
      1,
      Math.ceil(((request.wantedTokens ?? DEFAULT_ANSWER_TOKENS) * 4 - request.prefillChars) / 4),
    );
    const refusal = typeof soft === 'object' ? soft.refusal : undefined;
    // An empty answer sends no token; a refusal as many as its sentence takes.
    const planned =
      soft === 'empty' ? 0 : refusal === undefined ? wanted : Math.ceil(refusal.length / 4);
    const outputTokens = Math.min(request.maxTokens, planned, effects.cutAt);
    const wait = state.requests?.waitFor(1, now) ?? 0;
    const tokenWait = state.tokens?.waitFor(request.inputTokens + outputTokens, now) ?? 0;
    if (wait > 0 || tokenWait > 0)
      return error(
        'rate-limited',
        429,
        Math.max(wait, tokenWait),
        tokenWait > wait ? 'tokens' : 'requests',
      );
    state.requests?.take(1, now);
    state.tokens?.take(request.inputTokens + outputTokens, now);

    // Cold start: after a long idle period the next requests wait for the model to load.
    const cold = this.spec.coldStart;
    if (
      cold !== undefined &&
      now - state.lastRequestAt > cold.idleAfter &&
      now >= state.warmUntil
    ) {
      state.warmUntil = now + cold.extra;
    }
    state.lastRequestAt = now;
    const warming = Math.max(0, state.warmUntil - now);

    const sampledTps = Math.max(0.001, sample(this.spec.latency.tokensPerSecond, rng));
    // A drift moves the provider's own speed linearly toward the fault's by the window's end.
    const tps =
      drift === undefined
        ? sampledTps
        : Math.max(0.001, sampledTps + drift.at * (drift.tokensPerSecond - sampledTps));
    const firstToken =
      drift === undefined ? ttft : Math.max(1, ttft + drift.at * (drift.ttft - ttft));
    return {
      kind: 'answer',
      model: request.model,
      answeredAs: effects.swapTo ?? request.model,
      content: answerContent(soft, request.json, this.spec.wire),
      wholeTokens: planned,
      headersMs: warming + extraLatency + firstToken,
      firstTokenDelayMs: firstTokenDelay,
      msPerToken: 1_000 / tps,
      eventTokens: this.spec.chunkTokens,
      inputTokens: request.inputTokens,
      outputTokens,
      skipChars: request.prefillChars,
      finishReason: outputTokens < planned ? 'length' : 'stop',
      streamFault,
      rateLimit: this.#rateLimit(state, now),
    };
  }
}
