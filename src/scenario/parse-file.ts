/**
 * @module scenario/parse-file
 * Reads a YAML or JSON file against a zod schema, and turns every problem into an
 * {@link InputIssue} that names the file, the line and the key.
 */
import { readFileSync, statSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { InputError, type InputIssue } from '../errors.js';

/** A parsed document, kept so later checks can point at lines too. */
export interface SourceFile {
  readonly file: string;
  readonly document: Document;
  readonly lines: LineCounter;
}

/** Reads and parses a YAML or JSON file; throws {@link InputError} if it is missing, empty or not valid. */
export function readSource(file: string): { source: SourceFile; data: unknown } {
  let text: string;
  try {
    if (statSync(file).isDirectory())
      throw InputError.of(file, 'is a directory, not a scenario or config file');
    text = readFileSync(file, 'utf8');
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
    uniqueKeys: true,
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
          message: `YAML syntax error: ${message}`,
          ...(pos === undefined ? {} : { line: pos.line, column: pos.col }),
        };
      }),
    );
  }
  if (document.contents === null) throw InputError.of(file, 'the file is empty');
  const data: unknown = document.toJS({ maxAliasCount: 100 });
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
          ...locate(source, [...path, key]),
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
      ...locate(source, path),
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
  const result = schema.safeParse(prepare(data));
  if (!result.success) throw new InputError(toIssues(source, data, result.error.issues));
  return { source, value: result.data };
}
