import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../src/check/arbitraries.js';
import { faultSchema } from '../../src/scenario/schema.js';
import { KINDS } from '../support/every-fault.js';

const schemaKinds = faultSchema.options.map((option) => option.shape.kind.value).sort();

// A new fault kind must be searchable by `check` and drilled by the every-fault tests
// (CONTRIBUTING.md, "Adding a fault kind").
describe('every fault kind of the schema', () => {
  it('is one check can generate', () => {
    expect([...FAULT_KINDS].sort()).toEqual(schemaKinds);
  });

  it('is in the every-fault drill', () => {
    const drilled = new Set(KINDS.map((k) => /kind: ([a-z-]+)/.exec(k)?.[1]));
    expect(schemaKinds.filter((kind) => !drilled.has(kind))).toEqual([]);
  });
});
