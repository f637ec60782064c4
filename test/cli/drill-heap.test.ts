import { describe, expect, it } from 'vitest';
import {
  HEAP_GROWING_PERCENT,
  heapGrowthFlag,
  sizesYoungGeneration,
  YOUNG_GENERATION_CAP_BYTES,
  youngGenerationGrowth,
  SEMI_SPACE_MB,
} from '../../src/cli/drill-heap.js';
import { validateFlags } from '../../src/cli/validate-flags.js';

const GROWTH = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
const MB = 1024 * 1024;

describe('youngGenerationGrowth', () => {
  it('lets V8 double the young generation up to two 16 MB semi-spaces, and stops it there', () => {
    expect(YOUNG_GENERATION_CAP_BYTES).toBe(2 * SEMI_SPACE_MB * MB);
    for (const size of [1, 2, 4, 8, 16]) expect(youngGenerationGrowth(size * MB)).toBe(2);
    for (const size of [32, 64, 128]) expect(youngGenerationGrowth(size * MB)).toBe(1);
  });
});

describe('sizesYoungGeneration', () => {
  it("sizes it unless the user did, by Node's flags or NODE_OPTIONS", () => {
    expect(sizesYoungGeneration([], undefined)).toBe(true);
    expect(sizesYoungGeneration(['--import', 'p.mjs'], '--enable-source-maps')).toBe(true);
    expect(sizesYoungGeneration(['--heap-growing-percent=50'], undefined)).toBe(true);
    for (const flag of [
      '--max-semi-space-size=64',
      '--min-semi-space-size=8',
      '--semi-space-growth-factor=4',
      '--max-young-generation-size=96',
    ]) {
      expect(sizesYoungGeneration([flag], undefined)).toBe(false);
      expect(sizesYoungGeneration([], `--enable-source-maps ${flag}`)).toBe(false);
    }
  });
});

describe('heapGrowthFlag', () => {
  it("sets the old generation's growth in the process", () => {
    // Given to Node, it made V8 refuse Node's code cache for every built-in module.
    expect(heapGrowthFlag([], undefined)).toBe(GROWTH);
    expect(heapGrowthFlag(['--import', 'p.mjs'], '--enable-source-maps')).toBe(GROWTH);
  });

  it('leaves a growth the user set, by a flag or by NODE_OPTIONS', () => {
    expect(heapGrowthFlag(['--heap-growing-percent=50'], undefined)).toBeUndefined();
    expect(heapGrowthFlag([], '--heap-growing-percent=300')).toBeUndefined();
  });
});

describe('validateFlags', () => {
  const FLAGS = ['--semi-space-growth-factor=1', '--no-maglev', '--no-turbofan'];

  it('gives validate its flags, and no other command any', () => {
    expect(validateFlags(['validate', 'a.yaml'], [], undefined)).toEqual(FLAGS);
    expect(validateFlags(['--no-color', 'validate', 'a.yaml'], [], undefined)).toEqual(FLAGS);
    for (const argv of [['run', 'a.yaml'], ['serve', 'a.yaml'], ['--version'], [], ['merge', 'x']])
      expect(validateFlags(argv, [], undefined)).toEqual([]);
  });

  it('leaves a flag the user set, by a flag or by NODE_OPTIONS', () => {
    const argv = ['validate', 'a.yaml'];
    expect(validateFlags(argv, ['--max-semi-space-size=8'], undefined)).toEqual(FLAGS.slice(1));
    expect(validateFlags(argv, [], '--maglev --turbofan')).toEqual(FLAGS.slice(0, 1));
    expect(validateFlags(argv, ['--opt'], '--no-maglev')).toEqual(FLAGS.slice(0, 1));
  });
});
