/**
 * @module errors
 * Errors of the harness, as data with a literal `code`. Bad input is not a crash: it carries
 * where the problem is (file, line, column, key path) so the CLI can say so and exit 2.
 */

import { thousands } from './unit-text.js';

/** One problem found in an input file. */
export interface InputIssue {
  readonly file: string;
  /** 1-based line, when the problem could be located in the file. */
  readonly line?: number;
  readonly column?: number;
  /** The key path, e.g. `['faults', 0, 'at']`. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Renders a key path the way a person reads it: `faults[0].at`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

/** Renders an issue as `file:line:col key: message`. */
export function formatIssue(issue: InputIssue): string {
  const where =
    issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  const key = issue.path.length > 0 ? ` ${formatPath(issue.path)}:` : '';
  return `${where}${key} ${issue.message}`;
}

/** The most problems one error reports one by one; the rest are counted. */
export const MAX_REPORTED_ISSUES = 20;

/** Bad input: a scenario, a config or a flag. The CLI prints the issues and exits 2. */
export class InputError extends Error {
  readonly code = 'BAD_INPUT' as const;
  /** At most {@link MAX_REPORTED_ISSUES}, in the order found. */
  readonly issues: readonly InputIssue[];
  /** How many more problems were found than `issues` lists. */
  readonly omitted: number;
  constructor(issues: readonly InputIssue[], omitted = 0) {
    const shown = issues.slice(0, MAX_REPORTED_ISSUES);
    const more = omitted + issues.length - shown.length;
    super([...shown.map(formatIssue), ...(more > 0 ? [moreLine(more)] : [])].join('\n'));
    this.name = 'InputError';
    this.issues = shown;
    this.omitted = more;
  }

  /** The lines to print: one per problem, then how many more there were. */
  lines(): string[] {
    return this.message.split('\n');
  }

  /** A single issue without a location inside a file (a flag, a missing file). */
  static of(file: string, message: string, path: readonly (string | number)[] = []): InputError {
    return new InputError([{ file, path, message }]);
  }
}

function moreLine(more: number): string {
  return `… and ${thousands(more)} more problem${more === 1 ? '' : 's'}`;
}

/**
 * A subject's `createSubject` threw for this scenario (it cannot drill it: `openai-sdk` on a group
 * that starts on the Anthropic wire, say). Bad input for `run`; a scorecard's n/a cell.
 */
export class SubjectRefusedError extends InputError {
  /** Why, in the subject's words. */
  readonly reason: string;
  constructor(module: string, reason: string) {
    super([{ file: '--subject', path: [], message: `${module}: createSubject threw: ${reason}` }]);
    this.name = 'SubjectRefusedError';
    this.reason = reason;
  }
}

/** The harness itself went wrong (not the input, not an SLO). The CLI exits 3. */
export class HarnessError extends Error {
  readonly code = 'HARNESS_FAILED' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HarnessError';
  }
}

/** What a failed write's system code means, in a sentence's words. */
const WRITE_REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is too large for the file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  EIO: 'the device failed to write',
};

/** A {@link WriteError} as data. */
export interface WriteErrorData {
  readonly path: string;
  readonly reason: string;
  readonly code?: string;
}

/**
 * A file the run could not write: the machine's doing (a full disk, a quota, a read-only
 * mount), not a defect of the harness and not bad input. The CLI says which file and why, in
 * one line, and exits 3; what was half-written has been removed.
 */
export class WriteError extends Error {
  readonly path: string;
  readonly reason: string;
  /** The system's code (`ENOSPC`…), when there was one. */
  readonly code: string | undefined;
  constructor(path: string, reason: string, code?: string) {
    super(`cannot write ${path}: ${reason}`);
    this.name = 'WriteError';
    this.path = path;
    this.reason = reason;
    this.code = code;
  }

  /** The error as data, to send to another thread (a thrown error's class does not cross). */
  toData(): WriteErrorData {
    return {
      path: this.path,
      reason: this.reason,
      ...(this.code === undefined ? {} : { code: this.code }),
    };
  }

  /** The error again, from {@link WriteError.toData}'s data. */
  static fromData(data: WriteErrorData): WriteError {
    return new WriteError(data.path, data.reason, data.code);
  }

  /** The write error of `path`, from the error the write threw. */
  static of(path: string, error: unknown): WriteError {
    if (error instanceof WriteError) return error;
    const code = (error as { code?: unknown } | undefined)?.code;
    const known = typeof code === 'string' ? WRITE_REASONS[code] : undefined;
    return new WriteError(
      path,
      known ?? (error instanceof Error ? error.message : String(error)),
      typeof code === 'string' ? code : undefined,
    );
  }
}
