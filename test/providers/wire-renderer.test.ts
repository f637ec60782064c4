import { describe, expect, it } from 'vitest';
import { classifyRefusal, classifyStatus } from '../../src/engine/classify.js';
import { parseRetryAfter } from '../../src/engine/policies/retry-after.js';
import { anthropicWire } from '../../src/engine/wire/anthropic.js';
import { openAiWire } from '../../src/engine/wire/openai.js';
import { SseParser } from '../../src/engine/wire/sse.js';
import type { WireAdapter } from '../../src/engine/wire/wire-adapter.js';
import { anthropicRenderer } from '../../src/providers/anthropic-renderer.js';
import { openAiRenderer } from '../../src/providers/openai-renderer.js';
import type { ErrorKind } from '../../src/providers/response-plan.js';
import type { WireRenderer } from '../../src/providers/wire-renderer.js';

// The mock providers write each wire and the engine reads it: what one writes, the other must
// read as the real provider's answer would be read.
const WIRES: [string, WireRenderer, WireAdapter][] = [
  ['openai', openAiRenderer, openAiWire],
  ['anthropic', anthropicRenderer, anthropicWire],
];

/** How the engine classifies each error the mock providers send, at the status they send it. */
const CLASSES: [ErrorKind, number, string][] = [
  ['server-error', 500, 'transient'],
  ['unavailable', 503, 'transient'],
  ['rate-limited', 429, 'transient'],
  ['quota-exhausted', 429, 'target-unusable'],
  // Anthropic's "credit balance is too low" comes as a 400 invalid_request_error.
  ['quota-exhausted', 400, 'target-unusable'],
  ['invalid-key', 401, 'target-unusable'],
  ['context-length-exceeded', 400, 'invalid-request'],
  ['content-filter', 400, 'invalid-request'],
];

const ids = { id: 'x1', created: 1_767_225_600, model: 'm-2026', includeUsage: true };

describe.each(WIRES)(
  'the %s wire, written by the mock and read by the engine',
  (_, renderer, wire) => {
    it.each(CLASSES)('classifies a %s error (%i) as %s', (kind, status, failureClass) => {
      const sent = renderer.error(kind, status, '');
      const error = wire.readError(JSON.stringify(sent.body));
      expect(sent.status).toBe(status);
      expect(classifyStatus(sent.status, error.code, error.message)).toBe(failureClass);
      if (kind === 'context-length-exceeded')
        expect(classifyRefusal(error.code, error.message)).toBe('context-length');
      if (kind === 'content-filter')
        expect(classifyRefusal(error.code, error.message)).toBe('content-filter');
    });

    it('writes each content event as JSON itself would, key for key', () => {
      const frame = renderer.streamDelta(ids, 'a "quoted"\nline é');
      const data = /^data: (.*)\n\n$/m.exec(frame.replace(/^event: .*\n/, ''))?.[1] ?? '';
      expect(JSON.stringify(JSON.parse(data))).toBe(data);
      expect(frame).toContain(JSON.stringify('a "quoted"\nline é'));
    });

    it('sends a Retry-After the engine reads back to the second', () => {
      const headers = renderer.limitHeaders({}, 2_000, 0);
      expect(parseRetryAfter(new Headers(headers), 0)).toBe(2_000);
      expect(renderer.limitHeaders({}, undefined, 0)).not.toHaveProperty('retry-after');
    });

    it('writes a JSON answer the engine reads whole', () => {
      const body = renderer.json(ids, 'Hello there', 12, 3, 'length', false);
      expect(wire.readAnswer(body)).toMatchObject({
        text: 'Hello there',
        usage: { inputTokens: 12, outputTokens: 3 },
        model: 'm-2026',
      });
    });

    it('writes a stream the engine reads to a complete answer, and a malformed frame it refuses', () => {
      const text = [
        renderer.streamHead(ids, 12),
        renderer.streamDelta(ids, 'Hel'),
        renderer.streamDelta(ids, 'lo'),
        renderer.streamTail(ids, 12, 2, 'stop'),
        renderer.streamDone(),
      ].join('');
      const stream = wire.readStream();
      const verdicts = new SseParser().push(text).map((event) => stream.push(event));
      expect(verdicts).toContain('done');
      expect(stream.result()).toMatchObject({ text: 'Hello', complete: true });
      const broken = wire.readStream();
      const [frame] = new SseParser().push(renderer.streamMalformed(ids));
      expect(broken.push(frame as never)).toMatchObject({ broken: 'malformed' });
    });
  },
);
