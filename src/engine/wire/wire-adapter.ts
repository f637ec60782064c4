/**
 * @module engine/wire/wire-adapter
 * What the engine needs of a wire format: build the HTTP request, read a JSON answer, follow a
 * streamed one, and read an error body.
 */
import type { ChatRequest, Target, Usage } from '../types.js';
import type { SseEvent } from './sse.js';

/** A provider endpoint as the engine calls it. */
export interface ResolvedEndpoint {
  readonly wire: 'openai' | 'anthropic';
  /** Base URL up to and including the version segment, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  /** The API key, resolved from the environment; never logged or recorded. */
  readonly apiKey?: string;
}

/** A complete answer as the wire reported it. */
export interface WireAnswer {
  readonly text: string;
  readonly usage: Usage;
  readonly finishReason: string;
  readonly model: string;
}

/** An error body as the wire reported it. */
export interface WireError {
  readonly message: string;
  /** The provider's code or error type, e.g. `insufficient_quota`, `overloaded_error`. */
  readonly code?: string;
}

/** Follows one streamed answer, event by event. */
export interface StreamReader {
  /**
   * Takes one event: `continue`, `done` (the answer is complete, stop reading) or a broken
   * stream (`malformed` data, or an `error` event from the provider).
   */
  push(
    event: SseEvent,
  ): 'continue' | 'done' | { readonly broken: 'malformed' | 'error'; readonly message: string };
  /** The answer so far; `complete` is true when it may be presented as a whole answer. */
  result(): WireAnswer & { readonly complete: boolean };
}

/** One wire format. */
export interface WireAdapter {
  buildRequest(
    endpoint: ResolvedEndpoint,
    target: Target,
    request: ChatRequest,
    attemptId: string,
  ): Request;
  /** Reads a JSON answer; a string is a description of what is wrong with it. */
  readAnswer(body: unknown): WireAnswer | string;
  readStream(): StreamReader;
  readError(body: string): WireError;
}

/**
 * The JSON schema a request with `responseFormat: 'json'` asks its answer to follow: one object
 * holding the answer as a string.
 */
export const ANSWER_SCHEMA = Object.freeze({
  type: 'object',
  properties: { answer: { type: 'string' } },
  required: ['answer'],
  additionalProperties: false,
});

/** Parses JSON or returns `undefined`. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads `obj[key]` from an unknown value without trusting its shape. */
export function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null
    ? (obj as Record<string, unknown>)[key]
    : undefined;
}

/** A finite number or 0. */
export function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** A string or `undefined`. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
