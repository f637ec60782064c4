/**
 * @module simulator/in-process-transport
 * The simulator's transport: hands each request to its provider's msw handlers through
 * `getResponse`, with no sockets and no interception. A network failure response becomes the
 * same rejection `fetch` would give.
 */
import { getResponse, type RequestHandler } from 'msw';
import type { Transport } from '../engine/transport.js';
import { networkErrorCode } from '../providers/network-error.js';
import { withAttemptSignal } from '../providers/attempt-signal.js';

/** `scheme://host[:port]` of a URL, without parsing it. */
function originOf(url: string): string {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  return slash === -1 ? url : url.slice(0, slash);
}

/** Routes requests by origin to each provider's handlers. */
export function inProcessTransport(
  handlersByOrigin: ReadonlyMap<string, readonly RequestHandler[]>,
): Transport {
  return async (request, signal) => {
    const handlers = handlersByOrigin.get(originOf(request.url));
    if (handlers === undefined) {
      throw new TypeError('fetch failed', {
        cause: { code: 'ENOTFOUND', message: `no mock provider at ${originOf(request.url)}` },
      });
    }
    const response = await getResponse(
      handlers as RequestHandler[],
      withAttemptSignal(request, signal),
    );
    if (response === undefined) {
      return new Response(
        JSON.stringify({
          error: {
            message: `no route for ${request.method} ${request.url}`,
            type: 'invalid_request_error',
          },
        }),
        {
          status: 404,
          headers: { 'content-type': 'application/json' },
        },
      );
    }
    const code = networkErrorCode(response);
    if (code !== undefined) throw new TypeError('fetch failed', { cause: { code } });
    return response;
  };
}
