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
  /**
   * Text of the event still being received, in the pieces it came in: joined only when the
   * event completes, so a long event costs time in proportion to its length, not its square.
   */
  #pieces: string[] = [];

  /** Adds text and returns the events it completed. */
  push(text: string): SseEvent[] {
    const t = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
    const events: SseEvent[] = [];
    const emit = (block: string): void => {
      const event = parseBlock(block);
      if (event !== undefined) events.push(event);
    };
    let from = 0;
    // A boundary split across the previous text and this one.
    const last = this.#pieces.at(-1);
    if (last !== undefined && last.endsWith('\n') && t.startsWith('\n')) {
      emit(this.#pieces.join('').slice(0, -1));
      this.#pieces = [];
      from = 1;
    }
    let boundary = t.indexOf('\n\n', from);
    while (boundary !== -1) {
      // An event wholly inside this text (the usual case) needs no joining.
      if (this.#pieces.length === 0) emit(t.slice(from, boundary));
      else {
        this.#pieces.push(t.slice(from, boundary));
        emit(this.#pieces.join(''));
        this.#pieces = [];
      }
      from = boundary + 2;
      boundary = t.indexOf('\n\n', from);
    }
    if (from < t.length) this.#pieces.push(t.slice(from));
    return events;
  }

  /** Text received after the last complete event: non-empty means the stream ended mid-event. */
  get pending(): string {
    return this.#pieces.join('');
  }
}

function parseBlock(block: string): SseEvent | undefined {
  // One `data:` line, the shape of nearly every event, read without splitting.
  if (block.startsWith('data: ') && !block.includes('\n'))
    return { event: 'message', data: block.slice(6) };
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
