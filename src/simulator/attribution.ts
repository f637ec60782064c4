/**
 * @module simulator/attribution
 * How a drill counts a black box (a gateway over HTTP, a subject in process) from the providers'
 * side: each caller request carries a marker in its first message, and every provider request
 * that carries it becomes an attempt of that request, turned into the engine events a simulated
 * run of our engine emits.
 */
import type { Clock } from '../engine/clock.js';
import { parseRetryAfter } from '../engine/policies/retry-after.js';
import type { EngineEvent } from '../engine/events.js';
import type {
  AttemptOutcome,
  ChatRequest,
  FailureReason,
  RequestOutcome,
  Target,
  Usage,
} from '../engine/types.js';
import type { BillingRecord } from '../providers/response-plan.js';
import type { SloMetric } from '../scenario/slo.js';

/**
 * Metrics a black box hides: its breakers and its stream continuation happen inside it. SLOs on
 * them are listed as unjudged rather than passed on a zero nobody measured.
 */
export const UNSEEN_METRICS: ReadonlySet<SloMetric> = new Set<SloMetric>([
  'breaker.opens',
  'breaker.openAtEnd',
  'streams.continued',
  'streams.prefillRefused',
]);

/** How a provider's answer to one request ended, as the provider saw it. */
export interface ServedAttemptEnd {
  /** A success status, and the whole body written. */
  readonly ok: boolean;
  readonly status?: number;
  /**
   * `http-status` an error status; `network` a dropped connection; `stream-cut` the body broke
   * off; `timeout` the caller hung up before the answer was complete.
   */
  readonly reason?: 'http-status' | 'network' | 'stream-cut' | 'timeout';
  /** The Retry-After the provider gave, in ms. */
  readonly retryAfterMs?: number;
}

/** How an answer ends once its whole body is sent: by its status, with any Retry-After. */
export function answerEnd(response: Response, now: number): ServedAttemptEnd {
  if (response.status < 400) return { ok: true, status: response.status };
  const retryAfterMs = parseRetryAfter(response.headers, now);
  return {
    ok: false,
    status: response.status,
    reason: 'http-status',
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/** One provider request under observation. */
export interface ServedAttempt {
  /** Sent to the mock provider as `x-client-request-id`, so the bill names it. */
  readonly attemptId: string;
  end(result: ServedAttemptEnd): void;
}

/** Marks a request's first message so the providers can tell whose attempt they serve. */
export const MARKER = '[drill:';
const MARKER_BYTES = Buffer.from(MARKER);

/** The request id in a provider request's body, if the marker is there. */
export function markedRequestId(body: Buffer | undefined): string | undefined {
  if (body === undefined) return undefined;
  const at = body.indexOf(MARKER_BYTES);
  if (at === -1) return undefined;
  const end = body.indexOf(0x5d /* ] */, at);
  if (end === -1 || end - at > 64) return undefined;
  return body.subarray(at + MARKER_BYTES.length, end).toString('utf8');
}

/** The request with the marker before its first message. */
export function marked(request: ChatRequest): ChatRequest {
  const [first, ...rest] = request.messages;
  if (first === undefined) return request;
  return {
    ...request,
    messages: [{ ...first, content: `${MARKER}${request.id}] ${first.content}` }, ...rest],
  };
}

interface ProviderAttempt {
  readonly attempt: number;
  readonly target: Target;
  readonly startedAt: number;
  end?: ServedAttemptEnd & { readonly at: number };
  usage?: Usage;
}

interface Flight {
  readonly group: string;
  readonly attempts: ProviderAttempt[];
  ended: boolean;
}

/** Sees each provider request as it arrives; may return a handle to hear how it ended. */
export type AttemptObserver = (request: {
  readonly provider: string;
  readonly body: Buffer | undefined;
}) => ServedAttempt | undefined;

/**
 * Turns what the providers see into engine events: each provider request becomes an attempt of
 * the caller request its marker names; a second attempt on the same target is a retry, on
 * another a failover, and one that starts while the previous is still running a hedge.
 */
export class Attribution {
  readonly #flights = new Map<string, Flight>();
  readonly #emit: (event: EngineEvent) => void;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #bills = new Map<string, Usage>();
  unattributed = 0;

  constructor(clock: Pick<Clock, 'now'>, emit: (event: EngineEvent) => void) {
    this.#clock = clock;
    this.#emit = emit;
  }

  open(requestId: string, group: string): void {
    this.#flights.set(requestId, { group, attempts: [], ended: false });
  }

  flight(requestId: string): Flight | undefined {
    return this.#flights.get(requestId);
  }

  /** The caller has its answer; the request is forgotten once none of its attempts runs. */
  close(requestId: string): void {
    const flight = this.#flights.get(requestId);
    if (flight === undefined) return;
    flight.ended = true;
    this.#forgetIfDone(requestId, flight);
  }

  #forgetIfDone(requestId: string, flight: Flight): void {
    if (flight.ended && flight.attempts.every((a) => a.end !== undefined))
      this.#flights.delete(requestId);
  }

  readonly onBill = (record: BillingRecord): void => {
    if (record.attemptId !== undefined)
      this.#bills.set(record.attemptId, {
        inputTokens: record.inputTokens,
        outputTokens: record.outputTokens,
      });
  };

  readonly observe = (request: {
    readonly provider: string;
    readonly body: Buffer | undefined;
  }): ServedAttempt => {
    const at = this.#clock.now();
    const markedId = markedRequestId(request.body);
    let flight = markedId === undefined ? undefined : this.#flights.get(markedId);
    let id: string;
    if (flight === undefined || markedId === undefined) {
      // A probe of the gateway's own, or a request the drill has already given up on.
      this.unattributed++;
      id = `unattributed-${this.unattributed}`;
      flight = { group: '', attempts: [], ended: true };
      this.#flights.set(id, flight);
    } else id = markedId;
    const target: Target = { provider: request.provider, model: modelOf(request.body) };
    const previous = flight.attempts.at(-1);
    const current: ProviderAttempt = { attempt: flight.attempts.length + 1, target, startedAt: at };
    flight.attempts.push(current);
    if (previous !== undefined && !flight.ended) {
      if (previous.end === undefined) {
        this.#emit({
          type: 'hedge:start',
          at,
          requestId: id,
          primary: previous.target,
          hedge: target,
        });
      } else if (
        previous.target.provider === target.provider &&
        previous.target.model === target.model
      ) {
        this.#emit({
          type: 'retry:scheduled',
          at,
          requestId: id,
          target,
          attempt: previous.attempt,
          delayMs: at - previous.end.at,
          fromRetryAfter: previous.end.retryAfterMs !== undefined,
        });
      } else if (!previous.end.ok) {
        this.#emit({
          type: 'failover',
          at,
          requestId: id,
          group: flight.group,
          from: previous.target,
          to: target,
          reason: previous.end.reason ?? 'http-status',
          failedAttemptStartedAt: previous.startedAt,
        });
      }
    }
    this.#emit({ type: 'attempt:start', at, requestId: id, attempt: current.attempt, target });
    const attemptId = `${id}#${current.attempt}`;
    return {
      attemptId,
      end: (result) => {
        const endAt = this.#clock.now();
        current.end = { ...result, at: endAt };
        const usage = this.#bills.get(attemptId);
        this.#bills.delete(attemptId);
        if (usage !== undefined) current.usage = usage;
        const reason: FailureReason | undefined = result.reason;
        this.#emit({
          type: 'attempt:end',
          at: endAt,
          requestId: id,
          attempt: current.attempt,
          target,
          startedAt: at,
          ok: result.ok,
          ...(result.status === undefined ? {} : { status: result.status }),
          ...(reason === undefined ? {} : { reason }),
          ...(result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }),
          ...(result.ok && usage !== undefined ? { usage, responseModel: target.model } : {}),
        });
        this.#forgetIfDone(id, flight);
      },
    };
  };
}

/** The `model` a provider request names (OpenAI and Anthropic bodies both carry it). */
function modelOf(body: Buffer | undefined): string {
  if (body === undefined) return 'unknown';
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { model?: unknown };
    return typeof parsed.model === 'string' ? parsed.model : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The caller's outcome of a request a black box answered: the answer is the last provider
 * attempt that succeeded (a cache hit inside a gateway has none), the attempts those the
 * providers saw.
 */
export function blackBoxOutcome(
  requestId: string,
  outcome: AttemptOutcome,
  attempts: readonly {
    readonly target: Target;
    readonly attempt: number;
    readonly end?: { readonly ok: boolean } | undefined;
  }[],
  latencyMs: number,
): RequestOutcome {
  if (outcome.ok) {
    const answered = attempts.findLast((a) => a.end?.ok === true);
    return {
      ok: true,
      requestId,
      target: answered?.target ?? { provider: 'gateway', model: outcome.responseModel },
      text: outcome.text,
      usage: outcome.usage,
      responseModel: outcome.responseModel,
      attempt: answered?.attempt ?? 0,
      attempts: attempts.length,
      latencyMs,
      degraded: false,
    };
  }
  return {
    ok: false,
    requestId,
    reason: outcome.reason,
    message: outcome.message,
    ...(outcome.status === undefined ? {} : { status: outcome.status }),
    ...(outcome.code === undefined ? {} : { code: outcome.code }),
    ...(outcome.refusal === undefined ? {} : { refusal: outcome.refusal }),
    attempts: attempts.length,
    latencyMs,
  };
}
