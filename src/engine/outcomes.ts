/**
 * @module engine/outcomes
 * The shapes a caller request can end in: a model's answer, a cached one, a stand-in, a refusal
 * before any attempt, or the failure of the last attempt.
 */
import type { CachedAnswer } from './response-cache.js';
import type {
  AttemptFailure,
  AttemptOutcome,
  RequestFailureReason,
  RequestOutcome,
  Target,
} from './types.js';

/** The target a static stand-in answer is attributed to. */
export const STATIC_TARGET: Target = { provider: 'static', model: 'static' };

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

/** A request refused before any attempt. */
export function refused(
  requestId: string,
  reason: RequestFailureReason,
  message: string,
): RequestOutcome {
  return { ok: false, requestId, reason, message, attempts: 0, latencyMs: 0 };
}

/** A fresh answer from the cache: no attempt was made. */
export function cachedAnswer(
  requestId: string,
  hit: CachedAnswer,
  latencyMs: number,
): RequestOutcome {
  return {
    ok: true,
    requestId,
    target: hit.target,
    text: hit.text,
    usage: hit.usage,
    responseModel: hit.responseModel,
    attempt: 0,
    attempts: 0,
    latencyMs,
    degraded: false,
  };
}

/** A model's answer, from the attempt that gave it. */
export function modelAnswer(
  requestId: string,
  target: Target,
  outcome: Extract<AttemptOutcome, { ok: true }>,
  attempts: number,
  latencyMs: number,
): RequestOutcome {
  return {
    ok: true,
    requestId,
    target,
    text: outcome.text,
    usage: outcome.usage,
    responseModel: outcome.responseModel,
    attempt: outcome.attempt ?? attempts,
    attempts,
    latencyMs,
    degraded: false,
    ...(outcome.continues === undefined ? {} : { continues: outcome.continues }),
  };
}

/** A stand-in answer after every target failed: the stale cached answer, else the static text. */
export function standInAnswer(
  requestId: string,
  stand: { readonly stale: CachedAnswer } | { readonly text: string },
  attempts: number,
  latencyMs: number,
): RequestOutcome {
  const common = { requestId, attempt: 0, attempts, latencyMs, degraded: true } as const;
  if ('stale' in stand)
    return {
      ok: true,
      ...common,
      target: stand.stale.target,
      text: stand.stale.text,
      usage: stand.stale.usage,
      responseModel: stand.stale.responseModel,
    };
  return {
    ok: true,
    ...common,
    target: STATIC_TARGET,
    text: stand.text,
    usage: { inputTokens: 0, outputTokens: 0 },
    responseModel: 'static',
  };
}

/** The request failed: the last attempt's failure, under the request's own reason. */
export function failure(
  requestId: string,
  reason: RequestFailureReason,
  last: AttemptFailure,
  attempts: number,
  latencyMs: number,
): RequestOutcome {
  return {
    ok: false,
    requestId,
    reason,
    message: last.message,
    attempts,
    latencyMs,
    ...(last.status === undefined ? {} : { status: last.status }),
    ...(last.code === undefined ? {} : { code: last.code }),
    ...(last.refusal === undefined ? {} : { refusal: last.refusal }),
  };
}

/**
 * The reason a request failed with, and whether a stand-in may answer for it. An attempt cut by
 * the request's deadline is a timeout. Stand-ins answer only for an outage: a refused request, a
 * caller who left, or a stream the config says must end in its error gets the truth.
 */
export function howItEnded(
  signal: AbortSignal,
  last: AttemptFailure,
): { readonly reason: RequestFailureReason; readonly standIn: boolean } {
  const timedOut =
    signal.aborted &&
    (signal.reason as { code?: unknown } | undefined)?.code === 'DEADLINE_EXCEEDED';
  const reason = timedOut && last.reason === 'aborted' ? 'timeout' : last.reason;
  const standIn =
    last.failureClass === 'final' ? timedOut : last.failureClass !== 'invalid-request';
  return { reason, standIn };
}
