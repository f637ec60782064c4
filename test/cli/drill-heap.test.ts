import { describe, expect, it } from 'vitest';
import {
  HEAP_GROWING_PERCENT,
  heapGrowthFlag,
  restartArguments,
  SEMI_SPACE_MB,
} from '../../src/cli/drill-heap.js';
import { validateFlags } from '../../src/cli/validate-flags.js';

const SCRIPT = '/x/dist/bin/failover-drill.js';
const SEMI = `--max-semi-space-size=${SEMI_SPACE_MB}`;
const GROWTH = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;

describe('restartArguments', () => {
  it('restarts the drilling commands with the flags first, then the flags Node was given', () => {
    for (const command of ['run', 'compare', 'scorecard', 'check'])
      expect(
        restartArguments([command, 'a.yaml'], ['--import', 'p.mjs'], undefined, SCRIPT),
      ).toEqual([SEMI, '--import', 'p.mjs', SCRIPT, command, 'a.yaml']);
  });

  it('leaves the other commands, help and version alone', () => {
    for (const argv of [
      ['validate', 'a.yaml'],
      ['merge', 'x'],
      ['serve', 'a.yaml'],
      ['drill', 'a.yaml', '--target', 'http://127.0.0.1:1'],
      ['--version'],
      [],
      ['run', '--help'],
      ['check', 'a.yaml', '-h'],
    ])
      expect(restartArguments(argv, [], undefined, SCRIPT)).toBeUndefined();
  });

  it('adds only the flags not set already, by a flag or by NODE_OPTIONS, and so never loops', () => {
    const run = ['run', 'a.yaml'];
    expect(restartArguments(run, [SEMI], undefined, SCRIPT)).toBeUndefined();
    expect(restartArguments(run, ['--max-semi-space-size=64'], undefined, SCRIPT)).toBeUndefined();
    expect(restartArguments(run, ['--heap-growing-percent=50'], undefined, SCRIPT)).toEqual([
      SEMI,
      '--heap-growing-percent=50',
      SCRIPT,
      ...run,
    ]);
    expect(
      restartArguments(run, [], '--max-semi-space-size=32 --enable-source-maps', SCRIPT),
    ).toBeUndefined();
    expect(restartArguments(run, [], '--enable-source-maps', SCRIPT)).toEqual([
      SEMI,
      SCRIPT,
      ...run,
    ]);
    // What a restart runs with is complete: restarting it again adds nothing.
    const restarted = restartArguments(run, [], undefined, SCRIPT) ?? [];
    expect(restartArguments(run, restarted.slice(0, 1), undefined, SCRIPT)).toBeUndefined();
  });
});

describe('heapGrowthFlag', () => {
  it("sets the old generation's growth in the process, not as a flag to restart with", () => {
    // Given to Node, it made V8 refuse Node's code cache for every built-in module.
    expect(restartArguments(['run', 'a.yaml'], [], undefined, SCRIPT)).not.toContain(GROWTH);
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
