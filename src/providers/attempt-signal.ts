/**
 * @module providers/attempt-signal
 * The signal that ends an attempt, as a mock provider sees it. Over a connection it is the
 * request's own signal, which `fetch` aborts when its caller does. In process, the simulator's
 * transport hands the engine's signal over beside the request instead: a `Request` made with a
 * signal follows it through an abort listener, a weak reference and a finalization registry,
 * which each attempt paid for a signal that only the mock provider reads.
 */

const signals = new WeakMap<Request, AbortSignal>();

/** Hands `request` to a mock provider in process, with the signal that ends its attempt. */
export function withAttemptSignal(request: Request, signal: AbortSignal): Request {
  signals.set(request, signal);
  return request;
}

/** The signal that ends the attempt `request` belongs to. */
export function attemptSignal(request: Request): AbortSignal {
  return signals.get(request) ?? request.signal;
}
