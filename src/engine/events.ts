/**
 * @module engine/events
 * Every decision the engine takes, as typed data. Telemetry and reports subscribe; the engine
 * imports neither.
 */
import type { InvalidKind } from './answer-validation.js';
import type { Disposable } from './clock.js';
import type {
  ChatRequest,
  FailureReason,
  RequestFailureReason,
  RequestOutcome,
  Target,
  Usage,
} from './types.js';

/** Circuit breaker states. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** All engine events, discriminated by `type` (named `noun:verb`). `at` is clock time in ms. */
export type EngineEvent =
  | {
      readonly type: 'request:start';
      readonly at: number;
      readonly requestId: string;
      readonly group: string;
      /** The request as the caller gave it; its messages are the caller's content. */
      readonly request: ChatRequest;
    }
  | {
      readonly type: 'attempt:start';
      readonly at: number;
      readonly requestId: string;
      readonly attempt: number;
      readonly target: Target;
    }
  | {
      readonly type: 'attempt:end';
      readonly at: number;
      readonly requestId: string;
      readonly attempt: number;
      readonly target: Target;
      readonly startedAt: number;
      readonly ok: boolean;
      readonly reason?: FailureReason;
      readonly status?: number;
      /** How long the provider asked the caller to wait before trying this target again. */
      readonly retryAfterMs?: number;
      /** The attempt carried an earlier attempt's partial answer as an assistant prefill. */
      readonly prefilled?: boolean;
      /** For reason `invalid-answer`: the `validate` rule the answer broke. */
      readonly invalid?: InvalidKind;
      /** A successful attempt's token usage and the model the provider says answered. */
      readonly usage?: Usage;
      readonly responseModel?: string;
    }
  | {
      /** A 200 answer broke a `validate` rule; its attempt ends as `invalid-answer`. */
      readonly type: 'answer:invalid';
      readonly at: number;
      readonly requestId: string;
      readonly attempt: number;
      readonly target: Target;
      readonly kind: InvalidKind;
      readonly detail: string;
    }
  | {
      /** A target refused an assistant prefill; it gets a clean restart, now and from now on. */
      readonly type: 'prefill:refused';
      readonly at: number;
      readonly requestId: string;
      readonly target: Target;
    }
  | {
      readonly type: 'retry:scheduled';
      readonly at: number;
      readonly requestId: string;
      readonly target: Target;
      /** The attempt that failed and is being retried. */
      readonly attempt: number;
      readonly delayMs: number;
      /** True when the delay came from the provider's Retry-After. */
      readonly fromRetryAfter: boolean;
    }
  | {
      readonly type: 'retry:denied';
      readonly at: number;
      readonly requestId: string;
      readonly target: Target;
      /** `budget`: retries already took their share of recent traffic. */
      readonly reason: 'budget';
    }
  | {
      readonly type: 'bulkhead:shed';
      readonly at: number;
      readonly requestId: string;
      readonly target: Target;
      /** True when it waited in the queue first. */
      readonly waited: boolean;
    }
  | {
      /** `delayed`: waited `waitMs` for capacity; `shed`: the wait was too long, moved on. */
      readonly type: 'rate-limit:delayed' | 'rate-limit:shed';
      readonly at: number;
      readonly requestId: string;
      readonly target: Target;
      readonly waitMs: number;
    }
  | {
      readonly type: 'breaker:transition';
      readonly at: number;
      readonly target: Target;
      readonly from: BreakerState;
      readonly to: BreakerState;
      /** The request whose attempt moved the breaker, when one did. */
      readonly requestId?: string;
    }
  | {
      readonly type: 'failover';
      readonly at: number;
      readonly requestId: string;
      readonly group: string;
      readonly from: Target;
      readonly to: Target;
      readonly reason: FailureReason;
      /**
       * When the failed attempt on `from` that caused this failover began, where the failover
       * may come long after it (a gateway that held the request back, seen from outside).
       */
      readonly failedAttemptStartedAt?: number;
    }
  | {
      /** The first target was slow: a second attempt went to the next one; the first answer wins. */
      readonly type: 'hedge:start';
      readonly at: number;
      readonly requestId: string;
      readonly primary: Target;
      readonly hedge: Target;
    }
  | {
      /** A group's canary verdict changed. */
      readonly type: 'canary:verdict';
      readonly at: number;
      readonly group: string;
      readonly verdict: 'evaluating' | 'promote' | 'hold';
    }
  | {
      /** Active health checks ejected a target or brought it back. */
      readonly type: 'health:change';
      readonly at: number;
      readonly target: Target;
      readonly healthy: boolean;
    }
  | {
      readonly type: 'cache:hit';
      readonly at: number;
      readonly requestId: string;
      readonly group: string;
    }
  | {
      /** Every target failed; the caller got a stand-in: a stale cached answer or the static one. */
      readonly type: 'answer:degraded';
      readonly at: number;
      readonly requestId: string;
      readonly source: 'stale-cache' | 'static';
      readonly reason: RequestFailureReason;
    }
  | {
      /** The spend limit was reached: the request was downgraded to a cheaper group or rejected. */
      readonly type: 'budget:action';
      readonly at: number;
      readonly requestId: string;
      readonly action: 'downgrade' | 'reject';
      readonly group: string;
      readonly spentUsd: number;
    }
  | { readonly type: 'request:end'; readonly at: number; readonly outcome: RequestOutcome };

/** A subscriber to engine events. */
export type EngineListener = (event: EngineEvent) => void;

/** A minimal synchronous event hub: listeners run in subscription order. */
export class EventHub {
  #listeners: EngineListener[] = [];

  /** True when anyone listens, so emitters can skip building events nobody reads. */
  get active(): boolean {
    return this.#listeners.length > 0;
  }

  /** Subscribes; dispose the result to unsubscribe. */
  on(listener: EngineListener): Disposable {
    this.#listeners = [...this.#listeners, listener];
    return {
      dispose: () => {
        this.#listeners = this.#listeners.filter((l) => l !== listener);
      },
    };
  }

  emit(event: EngineEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
