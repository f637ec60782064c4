/**
 * @module engine/wire/read-limited
 * A response body read with a bound. A provider or gateway that answers without end (a broken
 * proxy, a hostile peer) fails the attempt once it has sent more than any answer needs, instead
 * of filling the caller's memory.
 */

/**
 * The most bytes of one response read: a whole answer, an error body or a stream. A long answer
 * of 100,000 tokens is well under a megabyte.
 */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The body as text, or `undefined` once it passes `limit` bytes (the rest is never read). */
export async function readTextLimited(
  response: Response,
  limit: number = MAX_RESPONSE_BYTES,
): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (response.body === null) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) return text + decoder.decode();
    size += chunk.value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
}
