/**
 * @module engine/policies/retry-after
 * Reads how long a provider asked us to wait.
 */

/**
 * `retry-after-ms` (OpenAI; milliseconds) wins over `retry-after` (seconds, or an HTTP date
 * compared with `nowMs`). Returns `undefined` when neither header is present or readable.
 */
export function parseRetryAfter(headers: Headers, nowMs: number): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null) {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const header = headers.get('retry-after');
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1_000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
