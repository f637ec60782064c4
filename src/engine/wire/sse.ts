/**
 * @module engine/wire/sse
 * An incremental Server-Sent Events parser: feed it decoded text as it arrives, get whole events.
 */

/** One SSE event. `event` is `message` when the stream did not name it. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/** Splits a text stream into SSE events; partial events wait for more text. */
export class SseParser {
  #buffer = '';

  /** Adds text and returns the events it completed. */
  push(text: string): SseEvent[] {
    this.#buffer += text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
    const events: SseEvent[] = [];
    let boundary = this.#buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const block = this.#buffer.slice(0, boundary);
      this.#buffer = this.#buffer.slice(boundary + 2);
      const event = parseBlock(block);
      if (event !== undefined) events.push(event);
      boundary = this.#buffer.indexOf('\n\n');
    }
    return events;
  }

  /** Text received after the last complete event: non-empty means the stream ended mid-event. */
  get pending(): string {
    return this.#buffer;
  }
}

function parseBlock(block: string): SseEvent | undefined {
  let event = 'message';
  let data: string | undefined;
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
  }
  return data === undefined ? undefined : { event, data };
}
