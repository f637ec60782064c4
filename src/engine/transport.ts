/**
 * @module engine/transport
 * How the engine sends a request. Production uses undici (see `undici-transport`); the
 * simulator hands requests to the mock providers in process.
 */

/**
 * Sends one HTTP request. Rejects (like `fetch`) when the connection fails; resolves with any
 * HTTP answer, error statuses included. Must stop work when `signal` aborts: it is the attempt's
 * signal, and the request carries none of its own (`fetch(request, { signal })` passes it on).
 */
export type Transport = (request: Request, signal: AbortSignal) => Promise<Response>;
