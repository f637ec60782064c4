/**
 * @module live/attribution
 * How a live drill counts a black box from the providers' side: each caller request carries a
 * marker in its first message, and every provider request that carries it becomes an attempt of
 * that request, turned into the engine events a simulated run emits.
 */
import type { EngineEvent } from '../engine/events.js';
import type { ChatRequest, FailureReason, Target, Usage } from '../engine/types.js';
import type { BillingRecord } from '../providers/response-plan.js';
import type { LiveClock, ServedAttempt, ServedAttemptEnd } from './serve.js';

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

/**
 * Turns what the providers see into engine events: each provider request becomes an attempt of
 * the caller request its marker names; a second attempt on the same target is a retry, on
 * another a failover, and one that starts while the previous is still running a hedge.
 */
export class Attribution {
  readonly #flights = new Map<string, Flight>();
  readonly #emit: (event: EngineEvent) => void;
  readonly #clock: LiveClock;
  readonly #bills = new Map<string, Usage>();
  unattributed = 0;

  constructor(clock: LiveClock, emit: (event: EngineEvent) => void) {
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
