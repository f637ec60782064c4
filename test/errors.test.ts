import { describe, expect, it } from 'vitest';
import { InputError, MAX_REPORTED_ISSUES, formatIssue, formatPath } from '../src/errors.js';

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
