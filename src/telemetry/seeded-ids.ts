/**
 * @module telemetry/seeded-ids
 * Trace and span ids drawn from the drill's seed, so the same drill writes the same trace file.
 */
import type { IdGenerator } from '@opentelemetry/sdk-trace';
import type { Rng } from '../engine/rng.js';

/** Draws ids from `rng`; an all-zero id (invalid in OpenTelemetry) is drawn again. */
export function seededIdGenerator(rng: Rng): IdGenerator {
  const draw = (words: number): string => {
    for (;;) {
      let id = '';
      let any = 0;
      for (let i = 0; i < words; i++) {
        const word = Math.floor(rng.next() * 0x1_0000_0000);
        any |= word;
        id += word.toString(16).padStart(8, '0');
      }
      if (any !== 0) return id;
    }
  };
  return {
    generateTraceId: () => draw(4),
    generateSpanId: () => draw(2),
  };
}
