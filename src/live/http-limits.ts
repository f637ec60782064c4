/**
 * @module live/http-limits
 * What the live servers (`serve`, `drill`'s providers, `gateway`) accept from a client they do
 * not trust: bounded request bodies (413 past the bound), a deadline for the headers and for the
 * whole request, idle keep-alive sockets closed, and a request line no parser chokes on answered
 * with a 400 instead of crashing the process.
 */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

/** The bounds a live server applies. */
export interface HttpLimits {
  readonly maxBodyBytes: number;
  readonly maxAdminBodyBytes: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

/** The bounds every live server applies unless told otherwise; documented in docs/hostile-input.md. */
export const HTTP_LIMITS: HttpLimits = {
  /**
   * Largest request body read, in bytes: a chat request of a few million tokens fits, anything
   * larger is answered 413 without being read.
   */
  maxBodyBytes: 32 * 1024 * 1024,
  /** Largest body of an admin request (a fault as JSON). */
  maxAdminBodyBytes: 64 * 1024,
  /** A client must send its headers within this, in ms (slow-header attacks). */
  headersTimeoutMs: 10_000,
  /** A client must send its whole request, body included, within this, in ms. */
  requestTimeoutMs: 60_000,
  /** An idle keep-alive connection is closed after this, in ms. */
  keepAliveTimeoutMs: 5_000,
};

/** A body read whole, or refused for its size. */
export type BodyRead = { ok: true; body: Buffer } | { ok: false; limit: number };

/**
 * Reads a request body up to `limit` bytes. A declared or actual size past it stops the read at
 * once: the rest is never buffered.
 */
export function readBodyLimited(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ ok: false, limit });
  // Events rather than async iteration: leaving a `for await` early would destroy the socket
  // before the 413 could be written on it.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData).off('end', onEnd).pause();
      chunks.length = 0;
      resolve({ ok: false, limit });
    };
    const onEnd = (): void => resolve({ ok: true, body: Buffer.concat(chunks) });
    req.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

/**
 * Answers 413 for a body past the limit and closes the connection, so the client's remaining
 * upload is never read.
 */
export function refuseTooLarge(
  res: ServerResponse,
  limit: number,
  body: (message: string) => unknown = (message) => ({ error: message }),
): void {
  const message = `the request body is larger than ${limit} bytes`;
  const socket = res.req.socket;
  res.shouldKeepAlive = false;
  res
    .writeHead(413, { 'content-type': 'application/json', connection: 'close' })
    .end(`${JSON.stringify(body(message))}\n`, () => socket?.destroy());
}

/** The request's URL, or `undefined` for a target no URL parser accepts (e.g. `//[`). */
export function requestUrl(req: IncomingMessage, origin: string): URL | undefined {
  try {
    return new URL(req.url ?? '/', origin);
  } catch {
    return undefined;
  }
}

/**
 * An HTTP server with {@link HTTP_LIMITS} applied. A request the listener throws on is
 * answered 500 (or its connection dropped, if the answer had begun); the process never dies of
 * a client.
 */
export function createLimitedServer(
  listener: RequestListener,
  limits: HttpLimits = HTTP_LIMITS,
): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // The timeouts above are enforced on this period; Node's default is 30 s.
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    (req, res) => {
      try {
        listener(req, res);
      } catch {
        if (!res.headersSent)
          res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"failed"}\n');
        else res.destroy();
      }
    },
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const status =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : '400 Bad Request';
    if (socket.writable && !socket.destroyed)
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  return server;
}
