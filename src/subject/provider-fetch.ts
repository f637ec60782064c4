/**
 * @module subject/provider-fetch
 * The `fetch` a drilled subject sees: a request to one of the scenario's providers goes to its
 * msw handlers in process, the same path the engine's drills take; any other host is a network
 * error naming the host. Each provider request is counted from the providers' side, as in a live
 * drill: the attempt ends when the provider has sent its whole answer (not when the subject has
 * read it), breaks off with the stream, or is given up by the caller.
 */
import { getResponse, type RequestHandler } from 'msw';
import type { Clock } from '../engine/clock.js';
import { networkErrorCode } from '../providers/network-error.js';
import {
  answerEnd,
  type AttemptObserver,
  type ServedAttemptEnd,
} from '../simulator/attribution.js';

/** A rejection as `fetch` gives it for a connection that failed. */
function fetchFailed(code: string, message: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

/** What the subject's `fetch` reaches: each provider's handlers by origin. */
export interface ProviderSites {
  /** Origin (`scheme://host`) to provider name and its handlers. */
  readonly byOrigin: ReadonlyMap<
    string,
    { readonly provider: string; readonly handlers: RequestHandler[] }
  >;
}

/** The subject's `fetch`: provider requests in process, observed; anything else refused. */
export function providerFetch(
  sites: ProviderSites,
  clock: Clock,
  observe: AttemptObserver,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const site = sites.byOrigin.get(url.origin);
    if (site === undefined)
      throw fetchFailed(
        'ENOTFOUND',
        `getaddrinfo ENOTFOUND ${url.hostname}: a drilled subject reaches only the scenario's providers (${[...sites.byOrigin.keys()].join(', ')})`,
      );
    if (request.signal.aborted) throw request.signal.reason;
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
    const attempt = observe({ provider: site.provider, body });
    let ended = false;
    const end = (result: ServedAttemptEnd): void => {
      if (ended) return;
      ended = true;
      attempt?.end(result);
    };
    const headers = new Headers(request.headers);
    if (attempt !== undefined) headers.set('x-client-request-id', attempt.attemptId);
    // The provider's own signal: aborted when the subject gives up, so its timers stop.
    const hangUp = new AbortController();
    const onAbort = (): void => {
      hangUp.abort(request.signal.reason);
      end({ ok: false, reason: 'timeout' });
    };
    request.signal.addEventListener('abort', onAbort, { once: true });
    const response = await Promise.race([
      getResponse(
        site.handlers,
        new Request(url, {
          method: request.method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: hangUp.signal,
        }),
      ),
      new Promise<never>((_, reject) => {
        const give = (): void => reject(request.signal.reason as Error);
        if (hangUp.signal.aborted) give();
        hangUp.signal.addEventListener('abort', give, { once: true });
      }),
    ]);
    if (response === undefined) {
      end({ ok: false, status: 404, reason: 'http-status' });
      request.signal.removeEventListener('abort', onAbort);
      return Response.json(
        {
          error: {
            message: `no route for ${request.method} ${url.pathname}`,
            type: 'invalid_request_error',
          },
        },
        { status: 404 },
      );
    }
    const code = networkErrorCode(response);
    if (code !== undefined) {
      end({ ok: false, reason: 'network' });
      request.signal.removeEventListener('abort', onAbort);
      throw fetchFailed(code, `${code} ${url.host}`);
    }
    return relayed(response, clock, request.signal, hangUp, end, () =>
      request.signal.removeEventListener('abort', onAbort),
    );
  };
}

/**
 * The answer as the subject reads it: the provider's body pumped as it comes, as a socket
 * would carry it, whether or not the subject reads along.
 */
function relayed(
  response: Response,
  clock: Clock,
  signal: AbortSignal,
  hangUp: AbortController,
  end: (result: ServedAttemptEnd) => void,
  done: () => void,
): Response {
  const whole = answerEnd(response, clock.now());
  const init = {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  };
  if (response.body === null) {
    end(whole);
    done();
    return new Response(null, init);
  }
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  let open = true;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      void (async () => {
        try {
          for (;;) {
            const chunk = await reader.read();
            if (!open) return;
            if (chunk.done) break;
            controller.enqueue(chunk.value);
          }
          end(whole);
          controller.close();
        } catch {
          if (!open) return;
          if (signal.aborted) {
            end({ ok: false, reason: 'timeout' });
            controller.error(signal.reason);
          } else {
            end({ ok: false, status: response.status, reason: 'stream-cut' });
            // What undici rejects a read with when the connection drops mid-body.
            controller.error(new TypeError('terminated'));
          }
        } finally {
          open = false;
          done();
        }
      })();
    },
    cancel(reason) {
      open = false;
      end({ ok: false, reason: 'timeout' });
      hangUp.abort(reason);
      reader.cancel(reason).catch(() => undefined);
    },
  });
  return new Response(body, init);
}
