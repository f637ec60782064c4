import { describe, expect, it } from 'vitest';
import { restartArguments, SEMI_SPACE_MB } from '../../src/cli/young-generation.js';

const SCRIPT = '/x/dist/cli/bin.js';
const FLAG = `--max-semi-space-size=${SEMI_SPACE_MB}`;

describe('restartArguments', () => {
  it('restarts the drilling commands with the flag first, then the flags Node was given', () => {
    for (const command of ['run', 'compare', 'scorecard', 'check'])
      expect(
        restartArguments([command, 'a.yaml'], ['--import', 'p.mjs'], undefined, SCRIPT),
      ).toEqual([FLAG, '--import', 'p.mjs', SCRIPT, command, 'a.yaml']);
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

  it('keeps a young generation sized already, by a flag or by NODE_OPTIONS, and so never loops', () => {
    expect(restartArguments(['run', 'a.yaml'], [FLAG], undefined, SCRIPT)).toBeUndefined();
    expect(
      restartArguments(['run', 'a.yaml'], ['--max-semi-space-size=64'], undefined, SCRIPT),
    ).toBeUndefined();
    expect(
      restartArguments(
        ['run', 'a.yaml'],
        [],
        '--max-semi-space-size=32 --enable-source-maps',
        SCRIPT,
      ),
    ).toBeUndefined();
    expect(restartArguments(['run', 'a.yaml'], [], '--enable-source-maps', SCRIPT)).toEqual([
      FLAG,
      SCRIPT,
      'run',
      'a.yaml',
    ]);
  });
});
