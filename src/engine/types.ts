/**
 * @module engine/types
 * The data the engine passes around: requests, targets and outcomes. Outcomes are data, not
 * exceptions: a provider failing is an ordinary result.
 */

import type { InvalidKind } from './answer-validation.js';

/** The wire format a provider speaks. */
export type Wire = 'openai' | 'anthropic';

/** One place a request can be sent: a provider and one of its models. */
export interface Target {
  readonly provider: string;
  readonly model: string;
}

/** `provider/model`, the key breakers and statistics are kept under. */
export function targetKey(target: Target): string {
  return `${target.provider}/${target.model}`;
}

/** A chat message as the caller gives it. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
  /**
   * On a last assistant message: the model is to continue this text rather than answer afresh
   * (sent as `prefix: true` on the OpenAI wire, as DeepSeek and Mistral expect; implied on the
   * Anthropic wire).
   */
  readonly prefix?: boolean;
}

/** What the application asks for: a model group, not a concrete model. */
export interface ChatRequest {
  /** Caller-chosen identifier, echoed in events and sent as `x-client-request-id`. */
  readonly id: string;
  /** The model group, mapped to targets by the config. */
  readonly group: string;
  readonly messages: readonly ChatMessage[];
  readonly maxTokens: number;
  readonly stream: boolean;
  /**
   * `json`: the answer must be a JSON object (`{ "answer": string }`), asked for as OpenAI's
   * `response_format: json_schema` or Anthropic's `output_config.format`.
   */
  readonly responseFormat?: 'json';
}

/** Token usage as the provider reported it. */
export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * Why an attempt failed:
 * - `http-status`: the provider answered with an error status;
 * - `network`: the connection failed (reset, refused) before an answer;
 * - `timeout`: the attempt ran out of time;
 * - `stream-cut`, `stream-malformed`: a streamed answer broke after the headers;
 * - `breaker-open`: the target's circuit breaker refused the attempt;
 * - `aborted`: the caller gave up, or the deadline passed;
 * - `shed`: the client itself held the attempt back (the target's bulkhead was full);
 * - `over-budget`: the spend limit was reached and the config says reject;
 * - `invalid-answer`: a 200 answer that `validate` judged wrong (empty, refusal, cut, bad JSON,
 *   another model).
 */
export type FailureReason =
  | 'http-status'
  | 'network'
  | 'timeout'
  | 'stream-cut'
  | 'stream-malformed'
  | 'breaker-open'
  | 'aborted'
  | 'shed'
  | 'over-budget'
  | 'invalid-answer'
  /** A drilled subject's own fetch threw or rejected (subject drills only). */
  | 'subject-error';

/** How a failure should be handled, decided once from the wire details. */
export type FailureClass =
  /** Worth another try on the same target (429, 5xx, network, timeouts, broken streams). */
  | 'transient'
  /** The request itself was refused (context length, content filter): never retry this model. */
  | 'invalid-request'
  /** The target cannot serve anyone (bad key, quota gone): move on, do not retry. */
  | 'target-unusable'
  /** The client held the attempt back to protect the target: move on, and do not blame it. */
  | 'saturated'
  /** Nothing to do: the caller aborted or the deadline passed. */
  | 'final';

/** Why a provider refused a request it judged invalid. */
export type Refusal = 'context-length' | 'content-filter' | 'invalid';

/** A successful attempt. */
export interface AttemptSuccess {
  readonly ok: true;
  readonly target: Target;
  readonly status: number;
  readonly text: string;
  readonly usage: Usage;
  readonly finishReason: string;
  /** The model the provider says answered. */
  readonly responseModel: string;
  /** The attempt's number within its caller request (1-based), when known. */
  readonly attempt?: number;
  /**
   * For an answer that continued a broken stream: the attempts whose partial text it carries
   * on from, oldest first. `text` holds the whole answer.
   */
  readonly continues?: readonly number[];
}

/** A failed attempt. */
export interface AttemptFailure {
  readonly ok: false;
  readonly target: Target;
  readonly reason: FailureReason;
  readonly failureClass: FailureClass;
  readonly message: string;
  readonly status?: number;
  /** The provider's error code or type, such as `insufficient_quota` or `overloaded_error`. */
  readonly code?: string;
  /** How long the provider asked us to wait, from `retry-after-ms` or `retry-after`. */
  readonly retryAfterMs?: number;
  /** Output text received before a stream broke. */
  readonly partialText?: string;
  /** For `invalid-request` failures: what kind of refusal it was. */
  readonly refusal?: Refusal;
  /** The attempt sent the partial answer of an earlier one as an assistant prefill. */
  readonly prefilled?: boolean;
  /** For `invalid-answer` failures: the rule the answer broke. */
  readonly invalid?: InvalidKind;
}

/** The result of one attempt on one target. */
export type AttemptOutcome = AttemptSuccess | AttemptFailure;

/** Why a caller request failed: its last attempt's reason, or no such group. */
export type RequestFailureReason = FailureReason | 'no-target';

/** What the caller receives. */
export type RequestOutcome =
  | {
      readonly ok: true;
      readonly requestId: string;
      readonly target: Target;
      readonly text: string;
      readonly usage: Usage;
      readonly responseModel: string;
      /** The attempt number (1-based, across targets) whose answer was used. */
      readonly attempt: number;
      readonly attempts: number;
      readonly latencyMs: number;
      /** True when the answer is a stand-in (cache or static), not a model's answer. */
      readonly degraded: boolean;
      /**
       * When the answer continued a broken stream on another attempt: the attempts whose
       * partial text begins it, oldest first. Their cost is part of the answer's.
       */
      readonly continues?: readonly number[];
    }
  | {
      readonly ok: false;
      readonly requestId: string;
      readonly reason: RequestFailureReason;
      readonly message: string;
      readonly status?: number;
      readonly code?: string;
      /** The provider refused the request itself; no other target was tried for it. */
      readonly refusal?: Refusal;
      readonly attempts: number;
      readonly latencyMs: number;
    };
