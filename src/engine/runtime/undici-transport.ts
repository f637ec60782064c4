/**
 * @module engine/runtime/undici-transport
 * The production transport: undici's `fetch` over one pooled, keep-alive `Agent`, so a failover
 * to a backup reuses warm connections instead of opening one per request.
 */
import { Agent, fetch } from 'undici';
import type { Transport } from '../transport.js';

/** Options of {@link undiciTransport}. */
export interface UndiciTransportOptions {
  /** Connections kept per origin. @defaultValue 64 */
  readonly connections?: number;
  /** How long an idle connection stays open, in ms. @defaultValue 30000 */
  readonly keepAliveTimeoutMs?: number;
  /** Time allowed to establish a connection, in ms. @defaultValue 10000 */
  readonly connectTimeoutMs?: number;
}

/** A transport plus the agent behind it, to close when done. */
export interface PooledTransport {
  readonly transport: Transport;
  close(): Promise<void>;
}

/** Creates the undici transport. */
export function undiciTransport(options: UndiciTransportOptions = {}): PooledTransport {
  const agent = new Agent({
    connections: options.connections ?? 64,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
  });
  const transport: Transport = async (request, signal) => {
    // Rebuilt from its parts: the global Request and undici's own are different classes.
    const body =
      request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
    const response = await fetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      ...(body === undefined ? {} : { body }),
      signal,
      dispatcher: agent,
    });
    return response;
  };
  return { transport, close: () => agent.close() };
}
