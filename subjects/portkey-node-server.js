/**
 * Stands in for `@hono/node-server` when the Portkey gateway is drilled in process (see
 * portkey.js): `serve` hands the app's `fetch` handler to the drill instead of listening on a
 * port, and returns a server that never accepts a connection.
 */
export const CAPTURED = Symbol.for('failover-drill.portkey.fetch');

/** Keeps the app's fetch handler where the portkey subject picks it up. */
export function serve(options) {
  globalThis[CAPTURED] = options.fetch;
  const server = {
    on: () => server,
    once: () => server,
    off: () => server,
    close: (callback) => callback?.(),
    address: () => ({ address: '127.0.0.1', family: 'IPv4', port: options.port ?? 0 }),
  };
  return server;
}

export function createAdaptorServer(options) {
  return serve(options);
}
