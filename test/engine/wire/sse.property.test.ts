/**
 * The SSE parser gives the same events however the text is cut into chunks, and a long event
 * costs time in proportion to its length.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../../../src/engine/wire/sse.js';

function parseAll(chunks: readonly string[]): { events: SseEvent[]; pending: string } {
  const parser = new SseParser();
  const events = chunks.flatMap((chunk) => parser.push(chunk));
  return { events, pending: parser.pending };
}

const eventArb = fc.record({
  event: fc.option(fc.constantFrom('message_start', 'content_block_delta', 'ping'), {
    nil: undefined,
  }),
  data: fc.string({ unit: fc.constantFrom('a', 'b', '{', '}', ':', ' ', '"'), maxLength: 30 }),
});

describe('SseParser', () => {
  it('finds the same events whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.string({ unit: fc.constantFrom('a', ':', '\n'), maxLength: 5 }),
        (events, cuts, tail) => {
          const text =
            events
              .map(
                (e) => `${e.event === undefined ? '' : `event: ${e.event}\n`}data: ${e.data}\n\n`,
              )
              .join('') + tail;
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let at = 0;
          for (const p of points) {
            chunks.push(text.slice(at, p));
            at = p;
          }
          chunks.push(text.slice(at));
          expect(parseAll(chunks)).toEqual(parseAll([text]));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads one event of 8 MB in 64 KB chunks in about the time of reading 1 MB times eight', () => {
    const time = (bytes: number): number => {
      const chunk = 'x'.repeat(64 * 1024);
      const parser = new SseParser();
      const started = performance.now();
      parser.push('data: ');
      for (let sent = 0; sent < bytes; sent += chunk.length) parser.push(chunk);
      expect(parser.push('\n\n')).toHaveLength(1);
      return performance.now() - started;
    };
    const best = (bytes: number): number => Math.min(time(bytes), time(bytes), time(bytes));
    const small = best(1 << 20);
    const large = best(8 << 20);
    // Linear: about 8 times; the old quadratic search was about 64 times.
    expect(large / Math.max(small, 0.05)).toBeLessThan(30);
  });
});
