/**
 * @module providers/aimed-faults
 * Faults aimed at some attempts or requests (`attempts: 1`, `requests: 1-10`): which request an
 * attempt belongs to, its number in the drill, and how many attempts it has made on a target.
 */
import type { TimedFault } from './fault-timeline.js';

/**
 * Who an attempt is, for faults aimed at attempts or requests: its request's number in the drill
 * and its attempt number on this provider and on its model.
 */
export interface Caller {
  readonly number: number;
  readonly onProvider: number;
  readonly onModel: number;
}

/** What a provider knows of an attempt's caller. */
export interface CallerHints {
  /** The drill's id of the request this attempt belongs to (`req-7`), when the caller names it. */
  readonly requestId?: string | undefined;
  /** Retries before this one, as the official SDKs say in `x-stainless-retry-count`. */
  readonly retryCount?: number | undefined;
  readonly model: string;
}

/**
 * Requests whose attempts a provider remembers at once; the oldest is forgotten beyond it. Far
 * more than a drill keeps in flight, so a request is only forgotten once it is long over.
 */
const TRACKED_REQUESTS = 100_000;

/** The number of a drill request id, `req-7` → 7. */
function requestNumber(id: string | undefined): number | undefined {
  if (id === undefined || !id.startsWith('req-')) return undefined;
  const n = Number(id.slice(4));
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Whether a fault is aimed at some attempts or requests only. */
export function isAimed(fault: TimedFault): boolean {
  return fault.spec.attempts !== undefined || fault.spec.requests !== undefined;
}

/** Whether an aimed fault's attempts and requests include this caller's. */
export function aimsAt(fault: TimedFault, caller: Caller): boolean {
  const { attempts, requests } = fault.spec;
  if (requests !== undefined && (caller.number < requests.first || caller.number > requests.last))
    return false;
  if (attempts === undefined) return true;
  const attempt = fault.model === undefined ? caller.onProvider : caller.onModel;
  return attempt >= attempts.first && attempt <= attempts.last;
}

/** One provider's count of the attempts it has seen. */
export class AttemptLedger {
  /** Requests planned so far, retries included. */
  #planned = 0;
  /** Attempts seen per request id (`id`) and per request and model (`id model`). */
  readonly #seen = new Map<string, number>();

  /** Counts one more attempt of `key`, forgetting the oldest request beyond the bound. */
  #count(key: string): number {
    const seen = this.#seen;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (seen.size > TRACKED_REQUESTS) {
      const oldest = seen.keys().next();
      if (oldest.done !== true) seen.delete(oldest.value);
    }
    return n;
  }

  /**
   * Notes an attempt; tells its caller when `needed` (a fault is aimed). A request the caller
   * names by its drill id (`x-client-request-id: req-7#2`) has the id's number, and its attempts
   * are counted here; one it does not name is numbered by arrival, retries included, and its
   * attempt is the SDK's retry count plus one.
   */
  note(hints: CallerHints, needed: boolean): Caller | undefined {
    this.#planned++;
    if (!needed) return undefined;
    const id = hints.requestId;
    const number = requestNumber(id) ?? this.#planned;
    if (id === undefined) {
      const attempt = (hints.retryCount ?? 0) + 1;
      return { number, onProvider: attempt, onModel: attempt };
    }
    return {
      number,
      onProvider: this.#count(id),
      onModel: this.#count(`${id} ${hints.model}`),
    };
  }
}
