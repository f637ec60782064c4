/**
 * @module report/write-report
 * Writes report files so a reader never sees half of one: each goes to a temporary name in the
 * same folder and is renamed into place.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { WriteError } from '../errors.js';

/**
 * Creates `dir` and its missing parents, one level at a time. Node's own
 * `mkdirSync(dir, { recursive: true })` never returns for a path such as `/proc/x`, where the
 * parent exists but refuses a child with ENOENT; this throws that error instead.
 */
export function makeDir(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    try {
      if (statSync(at).isDirectory()) break;
      // A file in the way: mkdir below says so (EEXIST, or ENOTDIR further down).
      missing.push(at);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.push(at);
      if (dirname(at) === at) break;
    }
  }
  for (const at of missing.reverse()) mkdirSync(at);
}

/** Writes `files` (name to content) into `dir`, each atomically. Returns the paths written. */
export function writeReportFiles(dir: string, files: Readonly<Record<string, string>>): string[] {
  makeDir(dir);
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const target = join(dir, name);
    const temp = join(dir, `.${name}.${process.pid}.tmp`);
    try {
      writeFileSync(temp, content);
      renameSync(temp, target);
    } catch (error) {
      rmSync(temp, { force: true });
      throw WriteError.of(target, error);
    }
    written.push(target);
  }
  return written;
}

/** report.json's text: two-space JSON with a final newline. */
export function reportJson(report: unknown): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
