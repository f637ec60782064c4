/**
 * @module providers/network-error
 * Connection failures as responses. msw renders a network failure as `Response.error()`,
 * which carries no detail, so the error code rides alongside in a weak map.
 */
import { HttpResponse } from 'msw';

/** Connection-level failure codes a mock provider produces. */
export type NetworkErrorCode = 'ECONNRESET' | 'ECONNREFUSED';

const codes = new WeakMap<Response, NetworkErrorCode>();

/** A network failure response (what `fetch` would reject with) carrying `code`. */
export function networkError(code: NetworkErrorCode): Response {
  const response = HttpResponse.error();
  codes.set(response, code);
  return response;
}

/** The code of a network failure response, if it is one. */
export function networkErrorCode(response: Response): NetworkErrorCode | undefined {
  return response.type === 'error' ? (codes.get(response) ?? 'ECONNRESET') : undefined;
}
