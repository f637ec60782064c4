/**
 * @module engine/transport
 * How the engine sends a request. Production uses undici (see `undici-transport`); the
 * simulator hands requests to the mock providers in process.
 */

/**
 * Sends one HTTP request. Rejects (like `fetch`) when the connection fails; resolves with any
 * HTTP answer, error statuses included. Must stop work when `signal` aborts.
 */
export type Transport = (request: Request, signal: AbortSignal) => Promise<Response>;
