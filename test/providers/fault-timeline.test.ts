import { describe, expect, it } from 'vitest';
import { buildTimeline, faultsOf } from '../../src/providers/fault-timeline.js';
import { faultSchema } from '../../src/scenario/schema.js';

const fault = (raw: object) => faultSchema.parse(raw);

describe('the fault timeline', () => {
  it('places each fault from `at` for `for`, or until `until`, or to the end', () => {
    const timeline = buildTimeline([
      fault({ kind: 'outage', target: 'primary', at: 1_000, for: 500 }),
      fault({ kind: 'hang', target: 'primary/gpt-4o', at: 2_000, until: 3_000 }),
      fault({ kind: 'invalid-key', target: 'backup' }),
    ]);
    expect(timeline.map((f) => [f.provider, f.model, f.startMs, f.endMs])).toEqual([
      ['primary', undefined, 1_000, 1_500],
      ['primary', 'gpt-4o', 2_000, 3_000],
      ['backup', undefined, 0, Number.POSITIVE_INFINITY],
    ]);
  });

  it('gives each provider its own faults, in the order written', () => {
    const timeline = buildTimeline([
      fault({ kind: 'hang', target: 'a' }),
      fault({ kind: 'invalid-key', target: 'b' }),
      fault({ kind: 'outage', target: 'a' }),
    ]);
    expect(faultsOf(timeline, 'a').map((f) => f.spec.kind)).toEqual(['hang', 'outage']);
  });
});
