/**
 * @module scenario/parse-file
 * Reads a YAML or JSON file against a zod schema, and turns every problem into an
 * {@link InputIssue} that names the file, the line and the key.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
} from 'yaml';
import type { z } from 'zod';
import { InputError, MAX_REPORTED_ISSUES, type InputIssue } from '../errors.js';
import { withUnitsRequired } from '../units.js';

/** Limits on an input file, so a hostile or mistaken one is refused before it costs much. */
export const FILE_LIMITS = {
  /** Largest scenario or config file read, in bytes. */
  maxBytes: 1024 * 1024,
  /** Most YAML nodes (keys, values, items) in one file. */
  maxNodes: 20_000,
  /** Most aliases (`*name`) in one file; each may repeat a whole subtree. */
  maxAliases: 100,
} as const;

/** Reads at most `limit` + 1 bytes: enough to tell a file is too large without reading it all. */
function readBounded(file: string, limit: number): string {
  const fd = openSync(file, 'r');
  try {
    if (fstatSync(fd).isDirectory())
      throw InputError.of(file, 'is a directory, not a scenario or config file');
    const buffer = Buffer.alloc(limit + 1);
    let size = 0;
    while (size < buffer.length) {
      const read = readSync(fd, buffer, size, buffer.length - size, null);
      if (read === 0) break;
      size += read;
    }
    if (size > limit)
      throw InputError.of(
        file,
        `is larger than ${limit / 1024 / 1024} MiB; a scenario or config file is a few kilobytes`,
      );
    if ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff))
      throw InputError.of(file, 'is UTF-16 text; save it as UTF-8');
    return buffer.toString('utf8', 0, size);
  } finally {
    closeSync(fd);
  }
}

/** Refuses a document with too many nodes or aliases, a repeated key, or an alias to no anchor. */
function checkShape(source: SourceFile): void {
  let nodes = 0;
  let aliases = 0;
  const issues: InputIssue[] = [];
  const problem = (node: Node, message: string): void => {
    if (issues.length >= MAX_REPORTED_ISSUES) return;
    const pos = node.range == null ? undefined : source.lines.linePos(node.range[0]);
    issues.push({
      file: source.file,
      path: [],
      message,
      ...(pos === undefined ? {} : { line: pos.line, column: pos.col }),
    });
  };
  visit(source.document, (_key, node) => {
    if (isAlias(node)) {
      aliases++;
      if (node.resolve(source.document) === undefined)
        problem(
          node,
          `YAML alias *${node.source} refers to no anchor &${node.source} defined before it`,
        );
    } else if (isScalar(node) || isMap(node) || isSeq(node)) nodes++;
    if (isMap(node)) {
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        if (keys.has(pair.key.value))
          problem(pair.key, 'YAML syntax error: Map keys must be unique');
        keys.add(pair.key.value);
      }
    }
    return nodes > FILE_LIMITS.maxNodes || aliases > FILE_LIMITS.maxAliases
      ? visit.BREAK
      : undefined;
  });
  if (nodes > FILE_LIMITS.maxNodes)
    throw InputError.of(
      source.file,
      `holds more than ${FILE_LIMITS.maxNodes} YAML nodes; a scenario or config file holds a few hundred`,
    );
  if (aliases > FILE_LIMITS.maxAliases)
    throw InputError.of(
      source.file,
      `holds more than ${FILE_LIMITS.maxAliases} YAML aliases (*name); each can repeat a whole subtree`,
    );
  if (issues.length > 0) throw new InputError(issues);
}

/** A parsed document, kept so later checks can point at lines too. */
export interface SourceFile {
  readonly file: string;
  readonly document: Document;
  readonly lines: LineCounter;
}

/** Reads and parses a YAML or JSON file; throws {@link InputError} if it is missing, empty or not valid. */
export function readSource(file: string): { source: SourceFile; data: unknown } {
  // An empty argument (`validate ""`, an unset shell variable in quotes) names no file.
  if (file.trim() === '')
    throw InputError.of(`"${file}"`, 'is an empty file name: name a scenario or config file');
  let text: string;
  try {
    text = readBounded(file, FILE_LIMITS.maxBytes);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw InputError.of(
      file,
      code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(error)})`,
    );
  }
  const lines = new LineCounter();
  const document = parseDocument(text, {
    lineCounter: lines,
    // The yaml package's own duplicate check is quadratic in a map's size; checkShape does it.
    uniqueKeys: false,
    prettyErrors: true,
    strict: true,
  });
  const source: SourceFile = { file, document, lines };
  if (document.errors.length > 0) {
    throw new InputError(
      document.errors.map((e) => {
        const pos = e.linePos?.[0];
        const message = (e.message.split('\n')[0] ?? e.message).replace(
          / at line \d+, column \d+:?$/,
          '',
        );
        return {
          file,
          path: [],
          message: /stack (size exceeded|overflow)/i.test(message)
            ? 'YAML nested too deeply to read'
            : `YAML syntax error: ${message}`,
          ...(pos === undefined ? {} : { line: pos.line, column: pos.col }),
        };
      }),
    );
  }
  if (document.contents === null) throw InputError.of(file, 'the file is empty');
  checkShape(source);
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: FILE_LIMITS.maxAliases });
  } catch (error) {
    // The yaml package's own guard against alias expansion ("billion laughs"), and the like.
    throw InputError.of(file, `YAML: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InputError([
      {
        file,
        path: [],
        message: 'the file must hold a mapping of keys (name, traffic, providers, …)',
        ...locate(source, []),
      },
    ]);
  }
  return { source, data };
}

/** The line and column of the key at `path`, or of the nearest parent that exists. */
export function locate(
  source: SourceFile,
  path: readonly PropertyKey[],
): { line?: number; column?: number } {
  let node: unknown = source.document.contents;
  let offset = (node as Node | null)?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (pair === undefined) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (item === undefined) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  if (offset === undefined) return {};
  const pos = source.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** Converts zod issues into located input issues. */
export function toIssues(
  source: SourceFile,
  data: unknown,
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly (string | number)[] = [],
): InputIssue[] {
  const out: InputIssue[] = [];
  for (const issue of issues) {
    const path = [
      ...prefix,
      ...issue.path.filter((k): k is string | number => typeof k !== 'symbol'),
    ];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          file: source.file,
          path: [...path, key],
          message: `unknown key "${key}"`,
          // Locating is a walk of the document: only for the problems that will be shown.
          ...(out.length < MAX_REPORTED_ISSUES ? locate(source, [...path, key]) : {}),
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && 'errors' in issue && issue.errors.length > 0) {
      // Report the branch that got furthest, not "invalid input".
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0] ?? [];
      if (best.length > 0 && depth(best) > 0) {
        out.push(...toIssues(source, data, best, path));
        continue;
      }
    }
    const missing = issue.code !== 'custom' && valueAt(data, path) === undefined;
    out.push({
      file: source.file,
      path,
      message: missing ? `missing required key${expected(issue)}` : issue.message,
      ...(out.length < MAX_REPORTED_ISSUES ? locate(source, path) : {}),
    });
  }
  return dedupe(out);
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(
    0,
    ...issues.map((i) =>
      i.code === 'invalid_type' && i.path.length === 0
        ? 0
        : i.path.length + (i.code === 'custom' ? 1 : 0),
    ),
  );
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let value = data;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function expected(issue: z.core.$ZodIssue): string {
  return issue.code === 'invalid_type' ? ` (expected ${issue.expected})` : '';
}

function dedupe(issues: InputIssue[]): InputIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.line}:${i.message}:${i.path.join('.')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Parses a file against `schema` (after `prepare`, such as applying a preset); throws
 * {@link InputError} with every located issue.
 */
export function parseFile<S extends z.ZodType>(
  file: string,
  schema: S,
  prepare: (data: unknown) => unknown = (data) => data,
): { source: SourceFile; value: z.output<S> } {
  const { source, data } = readSource(file);
  // Without zod's JIT: it would compile a checking function for each object schema, with
  // `new Function`, to parse a file once. `validate` took 0.95x the time without it
  // (medians of 30 runs each, in alternating order), and 22 files at once took no longer.
  const result = withUnitsRequired(() => schema.safeParse(prepare(data), { jitless: true }));
  if (!result.success) throw new InputError(toIssues(source, data, result.error.issues));
  return { source, value: result.data };
}
