/**
 * @module engine/runtime/fetch-transport
 * A transport over the global `fetch`, looked up at each request: for runtimes without undici
 * (edge workers, Deno, Bun), and for drilling the engine as a subject, where the global `fetch`
 * is the drill's.
 */
import type { Transport } from '../transport.js';

/** Sends each request with the global `fetch` of the moment. */
export const fetchTransport: Transport = (request, signal) => fetch(request, { signal });
