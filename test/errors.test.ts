import { describe, expect, it } from 'vitest';
import {
  InputError,
  MAX_REPORTED_ISSUES,
  WriteError,
  formatIssue,
  formatPath,
} from '../src/errors.js';

describe('bad-input messages', () => {
  it('write key paths the way a person reads them', () => {
    expect(formatPath(['faults', 0, 'at'])).toBe('faults[0].at');
    expect(formatPath([0, 'name'])).toBe('[0].name');
  });

  it('name the file, line, column and key of each problem', () => {
    expect(
      formatIssue({
        file: 'a.yaml',
        line: 14,
        column: 5,
        path: ['faults', 0, 'for'],
        message: 'bad',
      }),
    ).toBe('a.yaml:14:5 faults[0].for: bad');
    expect(formatIssue({ file: '--seed', path: [], message: 'a whole number' })).toBe(
      '--seed a whole number',
    );
  });

  it(`list at most ${MAX_REPORTED_ISSUES} problems, then count the rest`, () => {
    const issues = Array.from({ length: 25 }, (_, i) => ({
      file: 'a.yaml',
      path: [`k${i}`],
      message: 'unknown key',
    }));
    const error = new InputError(issues, 100);
    expect(error.issues).toHaveLength(MAX_REPORTED_ISSUES);
    expect(error.omitted).toBe(105);
    expect(error.lines()).toHaveLength(MAX_REPORTED_ISSUES + 1);
    expect(error.lines().at(-1)).toBe('… and 105 more problems');
  });
});

describe('WriteError', () => {
  it('says which file and why, in words for the system codes a full machine gives', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
    });
    const error = WriteError.of('/out/traces.jsonl', full);
    expect(error.message).toBe('cannot write /out/traces.jsonl: no space left on the device');
    expect(error.code).toBe('ENOSPC');
    expect(WriteError.of('/out/report.json', error)).toBe(error);
  });

  it("keeps the system's own message for a code it has no words for, and for no code", () => {
    const odd = Object.assign(new Error('EWEIRD: something odd'), { code: 'EWEIRD' });
    expect(WriteError.of('/out/a', odd).message).toBe('cannot write /out/a: EWEIRD: something odd');
    expect(WriteError.of('/out/b', 'gone').message).toBe('cannot write /out/b: gone');
    expect(WriteError.of('/out/b', 'gone').code).toBeUndefined();
  });
});
