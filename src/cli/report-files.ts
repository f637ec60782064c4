/**
 * @module cli/report-files
 * Where a command's reports go and how they are written: the report folder checked before any
 * drill runs, each drill's files in the formats asked for, its summary on the terminal and in
 * GitHub's job summary.
 */
import { appendFileSync, accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';
import { InputError } from '../errors.js';
import { renderHtml } from '../report/render-html.js';
import { renderJunit } from '../report/render-junit.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { renderSummary } from '../report/render-summary.js';
import type { Report } from '../report/report-schema.js';
import { makeDir, reportJson, writeReportFiles } from '../report/write-report.js';
import { telemetryFiles } from '../telemetry/otlp-jsonl-file.js';
import type { Format } from './options.js';

/** Whether `file` exists and was written since this process started. */
function writtenHere(file: string): boolean {
  return existsSync(file) && statSync(file).mtimeMs >= performance.timeOrigin;
}

/**
 * Writes one drill's report files in the formats asked for (JUnit only when the drill is not
 * part of a suite), prints its summary and appends it to the job summary.
 */
export function writeDrillReports(
  report: Report,
  dir: string,
  formats: readonly Format[],
  junit: boolean,
  extra: Readonly<Record<string, string>> = {},
): void {
  const files: Record<string, string> = { ...extra };
  if (formats.includes('json')) files['report.json'] = reportJson(report);
  if (formats.includes('md')) files['report.md'] = renderMarkdown(report);
  if (formats.includes('junit') && junit) files['junit.xml'] = renderJunit([report]);
  if (formats.includes('html')) {
    // Linked from the page: the files written with it, and the traces this process wrote (not
    // those an earlier, traced run left in the folder).
    const beside = [
      ...Object.keys(files),
      ...Object.values(telemetryFiles(dir))
        .filter(writtenHere)
        .map((file) => basename(file)),
    ];
    files['report.html'] = renderHtml(report, { files: beside });
  }
  const written = writeReportFiles(dir, files);
  process.stdout.write(
    `${renderSummary(report, written.length === 0 ? undefined : written.map(displayPath).join(', '))}\n`,
  );
  appendStepSummary(renderMarkdown(report));
}

/** GitHub Actions takes at most 1 MiB of job summary per step; this run stays under it. */
const STEP_SUMMARY_BUDGET = 900 * 1024;
let stepSummaryBytes = 0;

/** GitHub Actions' job summary: each drill's Markdown is appended when the variable is set. */
export function appendStepSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file === undefined || file === '') return;
  let text = `${markdown}\n`;
  const size = Buffer.byteLength(text);
  if (stepSummaryBytes + size > STEP_SUMMARY_BUDGET) {
    if (stepSummaryBytes >= STEP_SUMMARY_BUDGET) return;
    text = `${markdown.split('\n', 1)[0] ?? ''}\n\n(The rest of this report is in report.md: the job summary is full.)\n\n`;
  }
  stepSummaryBytes += Buffer.byteLength(text);
  try {
    appendFileSync(file, text);
  } catch (error) {
    process.stderr.write(
      `failover-drill: could not append to GITHUB_STEP_SUMMARY (${file}): ${(error as Error).message}\n`,
    );
  }
}

/**
 * Creates the report folder, or explains why it cannot be used (exit 2). The problem is put on
 * `--out`, or on `blame` (the scenario's name) when the folder came from it.
 */
export function ensureWritableDir(
  dir: string,
  blame?: { file: string; path: (string | number)[] },
): void {
  if (dir.trim() === '')
    throw InputError.of('--out', 'is empty: name a folder for the reports, e.g. --out reports');
  try {
    makeDir(dir);
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'a file is in the way'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'ENAMETOOLONG'
            ? 'the name is too long for the file system'
            : code === 'EROFS'
              ? 'the file system is read-only'
              : code === 'ENOENT'
                ? 'the file system refuses to create it'
                : String(code);
    throw InputError.of(
      blame?.file ?? '--out',
      `cannot write reports to ${dir}: ${why}`,
      blame?.path,
    );
  }
}

/** A path relative to the working folder when it lies inside it, else as given. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/**
 * Command-line paths with each folder replaced by the files in it whose names match, in name
 * order; a folder with none is bad input. A missing path is left for loading to name.
 */
export function expandFolders(args: readonly string[], match: RegExp, what: string): string[] {
  return args.flatMap((arg) => {
    if (statSync(arg, { throwIfNoEntry: false })?.isDirectory() !== true) return [arg];
    const found = readdirSync(arg)
      .filter((f) => match.test(f))
      .sort()
      .map((f) => join(arg, f));
    if (found.length === 0) throw InputError.of(arg, `this folder holds no ${what}`);
    return found;
  });
}
