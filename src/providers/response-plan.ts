/**
 * @module providers/response-plan
 * What a mock provider decided to do with one request, before it is rendered into a wire
 * format. Pure data: the provider model produces it, the handlers render it.
 */

/** Rate-limit headroom reported in headers. */
export interface RateLimitInfo {
  readonly requests?: RateMeter;
  readonly tokens?: RateMeter;
}

/** One metered quantity's headroom. */
export interface RateMeter {
  readonly limit: number;
  readonly remaining: number;
  readonly resetMs: number;
}

/** A mid-answer stream fault. */
export type StreamFault =
  | {
      readonly kind: 'cut';
      readonly afterTokens: number;
      /** How long the connection stays silent before it drops (a stall that closes); 0 if unset. */
      readonly afterMs?: number;
    }
  | { readonly kind: 'stall'; readonly afterTokens: number; readonly stallMs: number }
  | { readonly kind: 'malformed'; readonly afterTokens: number }
  | { readonly kind: 'no-done' };

/**
 * What an answer says. `text`: the answer asked for, as JSON where the request asks for JSON
 * output (`wholeTokens` long when not cut). The others are soft faults: an empty answer, a
 * refusal sentence (in OpenAI's `refusal` field where `field`), and JSON in a markdown fence.
 */
export type AnswerContent =
  | { readonly kind: 'text'; readonly json: boolean }
  | { readonly kind: 'empty' }
  | { readonly kind: 'refusal'; readonly text: string; readonly field: boolean }
  | { readonly kind: 'fenced-json' };

/** The kinds of error a provider answers with; each wire renders them its own way. */
export type ErrorKind =
  | 'server-error'
  | 'bad-gateway'
  | 'unavailable'
  | 'overloaded'
  | 'rate-limited'
  | 'quota-exhausted'
  | 'invalid-key'
  | 'model-not-found'
  | 'invalid-request'
  | 'context-length-exceeded'
  | 'content-filter'
  | 'prefill-unsupported';

/** One planned response. Times are milliseconds from the moment the request arrived. */
export type ResponsePlan =
  | {
      readonly kind: 'error';
      readonly afterMs: number;
      readonly error: ErrorKind;
      /** Only for `server-error`-like kinds: the exact status (500, 502, 503, 529). */
      readonly status: number;
      /** `undefined`: send no Retry-After at all. */
      readonly retryAfterMs: number | undefined;
      readonly rateLimit: RateLimitInfo;
    }
  | {
      readonly kind: 'network';
      readonly afterMs: number;
      readonly code: 'ECONNRESET' | 'ECONNREFUSED';
    }
  | { readonly kind: 'hang' }
  | {
      readonly kind: 'answer';
      /** The model asked for, billed for the answer. */
      readonly model: string;
      /** The model the answer names (another one under a `model-swap` fault). */
      readonly answeredAs: string;
      readonly content: AnswerContent;
      /** Tokens of the whole answer, before any cut (`max_tokens` or a `length-cut`). */
      readonly wholeTokens: number;
      /** When the headers (and, unstreamed, the whole body) would be ready without output time. */
      readonly headersMs: number;
      /** Extra wait between the headers and the first content token. */
      readonly firstTokenDelayMs: number;
      readonly msPerToken: number;
      /** Content tokens per SSE event of a streamed answer. */
      readonly eventTokens: number;
      readonly inputTokens: number;
      readonly outputTokens: number;
      /** Characters of the answer the request's prefill already holds; the answer goes on from there. */
      readonly skipChars: number;
      readonly finishReason: 'stop' | 'length';
      readonly streamFault: StreamFault | undefined;
      readonly rateLimit: RateLimitInfo;
    };

/** Tokens billed for an attempt, reported once it ends however it ends. */
export interface BillingRecord {
  /** The `x-client-request-id` the caller sent, when it sent one. */
  readonly attemptId: string | undefined;
  readonly provider: string;
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}
