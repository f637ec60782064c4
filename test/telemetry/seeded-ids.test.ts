import { describe, expect, it } from 'vitest';
import type { Rng } from '../../src/engine/rng.js';
import { seededRng } from '../../src/seeded-rng.js';
import { seededIdGenerator } from '../../src/telemetry/seeded-ids.js';

/** An rng that returns these draws in turn. */
function drawsOf(values: readonly number[]): Rng {
  let i = 0;
  return { next: () => values[i++ % values.length] as number };
}

describe('seededIdGenerator', () => {
  it('writes each 32-bit draw as eight hex digits, leading zeros kept', () => {
    const ids = seededIdGenerator(drawsOf([0x0000_00ff / 2 ** 32, 0xdead_beef / 2 ** 32]));
    expect(ids.generateSpanId()).toBe('000000ffdeadbeef');
    expect(ids.generateTraceId()).toBe('000000ffdeadbeef000000ffdeadbeef');
  });

  it('draws again rather than give the all-zero id OpenTelemetry calls invalid', () => {
    const ids = seededIdGenerator(drawsOf([0, 0, 1 / 2 ** 32, 0]));
    expect(ids.generateSpanId()).toBe('0000000100000000');
  });

  it('gives the same ids for the same seed, in valid form', () => {
    const a = seededIdGenerator(seededRng(7, 'ids'));
    const b = seededIdGenerator(seededRng(7, 'ids'));
    for (let i = 0; i < 200; i++) {
      const trace = a.generateTraceId();
      expect(trace).toMatch(/^[0-9a-f]{32}$/);
      expect(b.generateTraceId()).toBe(trace);
      const span = a.generateSpanId();
      expect(span).toMatch(/^[0-9a-f]{16}$/);
      expect(b.generateSpanId()).toBe(span);
    }
  });
});
