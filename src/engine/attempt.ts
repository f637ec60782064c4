/**
 * @module engine/attempt
 * The innermost step: one HTTP exchange with one target, read to the end and turned into an
 * outcome. A stream that breaks after the headers is a failure, never a short answer.
 */
import {
  abortFailure,
  failure,
  networkMessage,
  readErrorAnswer,
  readStreamedAnswer,
  readWholeAnswer,
  type Exchange,
  type Prefill,
} from './attempt-read.js';
import type { Clock } from './clock.js';
import type { PrefillSupport } from './prefill.js';
import type { EventHub } from './events.js';
import type { AttemptContext, AttemptFn } from './policy.js';
import type { Transport } from './transport.js';
import type {
  AttemptFailure,
  AttemptOutcome,
  AttemptSuccess,
  ChatRequest,
  FailureReason,
} from './types.js';
import { judgeAnswer, type AnswerRules } from './answer-validation.js';
import { anthropicWire } from './wire/anthropic.js';
import { openAiWire } from './wire/openai.js';
import { StreamWatchdog, type StreamLimits } from './stream-watchdog.js';
import { ABORTED, AbortRace } from './abort-race.js';
import type { ResolvedEndpoint, WireAdapter } from './wire/wire-adapter.js';

/** Everything the attempt step needs. */
export interface AttemptDeps {
  readonly clock: Clock;
  readonly transport: Transport;
  readonly events: EventHub;
  readonly endpoint: (provider: string) => ResolvedEndpoint | undefined;
  /** First-token and idle limits for streamed answers. */
  readonly streamLimits?: StreamLimits;
  /** What a stream that breaks after its first content leads to. @defaultValue restart */
  readonly onBreak?: 'restart' | 'continue' | 'error';
  /** Which targets continue a prefill; needed for `onBreak: continue`. */
  readonly prefill?: PrefillSupport;
  /** What makes a 200 answer invalid; off when unset. */
  readonly validate?: AnswerRules;
}

const WIRES: Readonly<Record<ResolvedEndpoint['wire'], WireAdapter>> = {
  openai: openAiWire,
  anthropic: anthropicWire,
};

/** The request with the partial answer appended as an assistant prefill. */
function withPrefill(request: ChatRequest, prefill: Prefill | undefined): ChatRequest {
  if (prefill === undefined) return request;
  return {
    ...request,
    messages: [...request.messages, { role: 'assistant', content: prefill.text, prefix: true }],
  };
}

/** Reasons a stream can break for after its first content, short of the caller leaving. */
const BROKEN_STREAM = new Set<FailureReason>(['stream-cut', 'stream-malformed', 'timeout']);

/** Sends the request and reads the response through the phase its status and mode call for. */
async function exchange(
  deps: AttemptDeps,
  ctx: AttemptContext,
  attempt: number,
  race: AbortRace,
  watchdog: StreamWatchdog | undefined,
  prefill: Prefill | undefined,
): Promise<AttemptOutcome> {
  const { target, signal } = ctx;
  const endpoint = deps.endpoint(target.provider);
  if (endpoint === undefined) {
    const message = `no endpoint configured for provider "${target.provider}"`;
    return failure(target, 'network', message, { failureClass: 'target-unusable' });
  }
  if (signal.aborted) return abortFailure(target, signal);
  const wire = WIRES[endpoint.wire];
  const request = wire.buildRequest(
    endpoint,
    target,
    withPrefill(ctx.request, prefill),
    `${ctx.request.id}#${attempt}`,
  );
  let response: Response | typeof ABORTED;
  try {
    response = await race.race(deps.transport(request, signal));
  } catch (error) {
    return failure(target, 'network', networkMessage(error));
  }
  if (response === ABORTED) return abortFailure(target, signal);
  const exchange: Exchange = { target, signal, race, wire, response, attempt, prefill };
  if (response.status >= 400) return readErrorAnswer(exchange, () => deps.clock.now());
  if (!ctx.request.stream) return readWholeAnswer(exchange);
  return readStreamedAnswer(exchange, watchdog);
}

/**
 * A stream that broke after its first content: keep the text for the next attempt to
 * continue, or end the request, as configured. A refused prefill is marked for the router.
 */
function afterBreak(
  onBreak: AttemptDeps['onBreak'],
  ctx: AttemptContext,
  outcome: AttemptFailure,
  attempt: number,
  prefill: Prefill | undefined,
): AttemptFailure {
  if (prefill !== undefined && outcome.failureClass === 'invalid-request')
    return { ...outcome, prefilled: true };
  const partialText = outcome.partialText ?? '';
  if (partialText === '' || !BROKEN_STREAM.has(outcome.reason)) return outcome;
  if (onBreak === 'error') {
    return {
      ...outcome,
      failureClass: 'final',
      message: `${outcome.message} after ${partialText.length} characters of the answer (stream.onBreak: error)`,
    };
  }
  if (onBreak === 'continue') {
    ctx.state.partial =
      prefill === undefined
        ? { text: partialText, attempts: [attempt] }
        : { text: prefill.text + partialText, attempts: [...prefill.attempts, attempt] };
  }
  return outcome;
}

/**
 * A 200 answer held to the config's `validate` rules: one that breaks a rule becomes a transient
 * failure of reason `invalid-answer`, told as an `answer:invalid` event.
 */
function judged(
  deps: AttemptDeps,
  request: ChatRequest,
  outcome: AttemptSuccess,
  attempt: number,
): AttemptOutcome {
  const invalid = judgeAnswer(deps.validate as AnswerRules, request, outcome);
  if (invalid === undefined) return outcome;
  const { events, clock } = deps;
  if (events.active)
    events.emit({
      type: 'answer:invalid',
      at: clock.now(),
      requestId: request.id,
      attempt,
      target: outcome.target,
      kind: invalid.kind,
      detail: invalid.detail,
    });
  return failure(outcome.target, 'invalid-answer', `invalid answer: ${invalid.detail}`, {
    status: outcome.status,
    invalid: invalid.kind,
  });
}

/** Creates the terminal attempt function the policies wrap. */
export function createAttempt(deps: AttemptDeps): AttemptFn {
  const { clock, events } = deps;
  return async (ctx) => {
    const attempt = ++ctx.state.attempts;
    const startedAt = clock.now();
    if (events.active)
      events.emit({
        type: 'attempt:start',
        at: startedAt,
        requestId: ctx.request.id,
        attempt,
        target: ctx.target,
      });
    const limits = deps.streamLimits;
    const watchdog =
      ctx.request.stream &&
      limits !== undefined &&
      (limits.firstTokenMs !== undefined || limits.streamIdleMs !== undefined)
        ? new StreamWatchdog(clock, limits, ctx.signal)
        : undefined;
    const watched = watchdog === undefined ? ctx : { ...ctx, signal: watchdog.signal };
    const race = new AbortRace(watched.signal);
    const partial = ctx.state.partial;
    const text = partial?.text.trimEnd() ?? '';
    // Providers refuse a prefill that ends in whitespace; the continuation brings it back.
    const prefill =
      text !== '' && deps.onBreak === 'continue' && deps.prefill?.supports(ctx.target) === true
        ? { text, attempts: (partial as Prefill).attempts }
        : undefined;
    let outcome: AttemptOutcome;
    try {
      outcome = await exchange(deps, watched, attempt, race, watchdog, prefill);
    } finally {
      race.dispose();
      watchdog?.dispose();
    }
    if (outcome.ok && deps.validate !== undefined)
      outcome = judged(deps, ctx.request, outcome, attempt);
    if (!outcome.ok) outcome = afterBreak(deps.onBreak, ctx, outcome, attempt, prefill);
    if (events.active) {
      events.emit({
        type: 'attempt:end',
        at: clock.now(),
        requestId: ctx.request.id,
        attempt,
        target: ctx.target,
        startedAt,
        ok: outcome.ok,
        ...(outcome.ok
          ? { status: outcome.status, usage: outcome.usage, responseModel: outcome.responseModel }
          : {
              reason: outcome.reason,
              ...(outcome.status === undefined ? {} : { status: outcome.status }),
              ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
              ...(outcome.invalid === undefined ? {} : { invalid: outcome.invalid }),
            }),
        ...(prefill === undefined ? {} : { prefilled: true }),
      });
    }
    return outcome;
  };
}
