/**
 * @module providers/fault-effects
 * What one fault does to a request, for the provider model: a refusing fault answers it (an
 * error status, a dropped or refused connection, a hang); the others change the answer (added
 * latency, a broken stream, a soft fault's content, a cut, another model, a drift in speed).
 */
import type { FaultSpec, ProviderSpec } from '../scenario/schema.js';
import type { TimedFault } from './fault-timeline.js';
import type { AnswerContent, ErrorKind, ResponsePlan, StreamFault } from './response-plan.js';

const OUTAGE_ERRORS: Readonly<Record<number, ErrorKind>> = {
  500: 'server-error',
  502: 'bad-gateway',
  503: 'unavailable',
  529: 'overloaded',
};

/** What the non-refusing faults active at one instant do to a response. */
export interface FaultEffects {
  extraLatency: number;
  firstTokenDelay: number;
  streamFault: StreamFault | undefined;
  /** A soft fault's answer in place of the one asked for; the first one wins. */
  soft: SoftContent | undefined;
  /** A `length-cut`: the answer stops after so many tokens (the shortest wins). */
  cutAt: number;
  /** A `model-swap`: the model that answers instead. */
  swapTo: string | undefined;
  /** A `latency-drift`: how far through its window (0 to 1), and where it drifts to. */
  drift:
    { readonly at: number; readonly ttft: number; readonly tokensPerSecond: number } | undefined;
}

/** The soft faults that replace an answer's content. */
export type SoftContent = 'empty' | { readonly refusal: string } | 'fenced-json';

/** The response of a fault that refuses the request, else nothing. */
export function refusalOf(
  spec: FaultSpec,
  ttft: number,
  wire: ProviderSpec['wire'],
  error: (kind: ErrorKind, status: number, retryAfterMs: number | undefined) => ResponsePlan,
): ResponsePlan | undefined {
  switch (spec.kind) {
    case 'outage':
      if (spec.status === 'refused') return { kind: 'network', afterMs: 0, code: 'ECONNREFUSED' };
      if (spec.status === 'reset')
        return { kind: 'network', afterMs: ttft / 2, code: 'ECONNRESET' };
      return error(OUTAGE_ERRORS[spec.status] ?? 'server-error', spec.status, undefined);
    case 'error-rate':
      return error(OUTAGE_ERRORS[spec.status] ?? 'server-error', spec.status, undefined);
    case 'hang':
      // An idle timeout on the way closes the connection without a word.
      return spec.closeAfter === undefined
        ? { kind: 'hang' }
        : { kind: 'network', afterMs: spec.closeAfter, code: 'ECONNRESET' };
    case 'rate-limit':
      return error('rate-limited', 429, spec.retryAfter === 'none' ? undefined : spec.retryAfter);
    case 'quota-exhausted':
      // OpenAI answers 429 insufficient_quota; Anthropic a 400 invalid_request_error whose
      // message says the credit balance is too low.
      return error('quota-exhausted', wire === 'anthropic' ? 400 : 429, undefined);
    case 'invalid-key':
      return error('invalid-key', 401, undefined);
    case 'context-length-exceeded':
      return error('context-length-exceeded', 400, undefined);
    case 'content-filter':
      return error('content-filter', 400, undefined);
    default:
      return undefined;
  }
}

/** Adds a latency, stream or soft fault's effect; the first stream and soft faults win. */
export function addEffect(
  effects: FaultEffects,
  fault: TimedFault,
  t: number,
  chunkTokens: number,
  json: boolean,
): void {
  const spec = fault.spec;
  switch (spec.kind) {
    case 'empty-answer':
      effects.soft ??= 'empty';
      return;
    case 'refusal-answer':
      effects.soft ??= { refusal: spec.text };
      return;
    case 'invalid-json':
      // Only a request that asks for JSON can get it wrong.
      if (json) effects.soft ??= 'fenced-json';
      return;
    case 'length-cut':
      effects.cutAt = Math.min(effects.cutAt, spec.afterTokens);
      return;
    case 'model-swap':
      effects.swapTo ??= spec.model;
      return;
    case 'latency-drift':
      effects.drift ??= {
        at: Math.min(1, (t - fault.startMs) / (fault.endMs - fault.startMs)),
        ttft: spec.ttft,
        tokensPerSecond: spec.tokensPerSecond,
      };
      return;
    case 'latency-spike':
      effects.extraLatency += spec.extra;
      return;
    case 'slow-first-token':
      effects.firstTokenDelay += spec.extra;
      return;
    case 'stream-cut':
      effects.streamFault ??= { kind: 'cut', afterTokens: spec.afterTokens };
      return;
    case 'stream-stall':
      effects.streamFault ??=
        spec.then === 'close' && spec.stall !== undefined
          ? { kind: 'cut', afterTokens: spec.afterTokens, afterMs: spec.stall }
          : {
              kind: 'stall',
              afterTokens: spec.afterTokens,
              stallMs: spec.stall ?? Number.POSITIVE_INFINITY,
            };
      return;
    case 'malformed-chunk':
      // The Nth content event starts after N - 1 events of `chunkTokens` tokens.
      effects.streamFault ??= {
        kind: 'malformed',
        afterTokens:
          spec.atEvent === undefined ? (spec.afterTokens ?? 20) : (spec.atEvent - 1) * chunkTokens,
      };
      return;
    case 'stream-no-done':
      effects.streamFault ??= { kind: 'no-done' };
      return;
  }
}

/** No fault's effect yet. */
export function noEffects(): FaultEffects {
  return {
    extraLatency: 0,
    firstTokenDelay: 0,
    streamFault: undefined,
    soft: undefined,
    cutAt: Number.POSITIVE_INFINITY,
    swapTo: undefined,
    drift: undefined,
  };
}

/**
 * What the answer says: the one asked for, or a soft fault's. OpenAI sends a refusal to a request
 * for a JSON schema in the message's `refusal` field.
 */
export function answerContent(
  soft: SoftContent | undefined,
  json: 'schema' | 'object' | undefined,
  wire: ProviderSpec['wire'],
): AnswerContent {
  if (soft === 'empty') return { kind: 'empty' };
  if (soft === 'fenced-json') return { kind: 'fenced-json' };
  if (soft !== undefined)
    return { kind: 'refusal', text: soft.refusal, field: json === 'schema' && wire === 'openai' };
  return { kind: 'text', json: json !== undefined };
}
