/**
 * @module engine/classify
 * Decides, from an error status and the provider's code, whether a failure is worth a retry,
 * a move to another target, or neither.
 */
import type { FailureClass, Refusal } from './types.js';

const INVALID_REQUEST_CODES = new Set([
  'context_length_exceeded',
  'content_filter',
  'invalid_prompt',
]);
const UNUSABLE_CODES = new Set([
  'insufficient_quota',
  'billing_error',
  'invalid_api_key',
  'authentication_error',
  'permission_error',
]);

/** Classifies an HTTP error answer. */
export function classifyStatus(
  status: number,
  code: string | undefined,
  message = '',
): FailureClass {
  if (code !== undefined && UNUSABLE_CODES.has(code)) return 'target-unusable';
  if (/credit balance/i.test(message)) return 'target-unusable';
  if (code !== undefined && INVALID_REQUEST_CODES.has(code)) return 'invalid-request';
  if (status === 401 || status === 403 || status === 404) return 'target-unusable';
  if (status === 408 || status === 409 || status === 429 || status >= 500) return 'transient';
  return 'invalid-request';
}

const CONTEXT_LENGTH = /context[_ ]length|context window|prompt is too long|maximum context/i;
const CONTENT_FILTER = /content[_ ]filter|content management policy|blocked by/i;

/**
 * What kind of refusal an `invalid-request` failure is, from the provider's code and message:
 * a context-length refusal may be sent on to a larger-context group, the others end the request.
 */
export function classifyRefusal(code: string | undefined, message: string): Refusal {
  if (code === 'context_length_exceeded' || CONTEXT_LENGTH.test(message)) return 'context-length';
  if (code === 'content_filter' || CONTENT_FILTER.test(message)) return 'content-filter';
  return 'invalid';
}
