/**
 * @module cli/compare-action
 * What `compare` does: drills every scenario under each config, writes the side-by-side table
 * and its files, and sets the exit code. Loaded only when `compare` runs.
 */
import type { CompareOptions } from './compare-command.js';
import { HarnessError, InputError } from '../errors.js';
import {
  renderComparison,
  renderComparisonHtml,
  renderComparisonMarkdown,
  type ComparedConfig,
} from '../report/compare.js';
import type { Report } from '../report/report-schema.js';
import { reportJson, writeReportFiles } from '../report/write-report.js';
import { columnsOf } from './columns.js';
import { createProgress } from './progress.js';
import { ensureWritableDir, displayPath } from './report-files.js';
import { EXIT } from './exit-codes.js';

/** Runs `compare`: each scenario and seed under each config or subject, side by side. */
export async function compareConfigs(files: string[], options: CompareOptions): Promise<void> {
  const columns = await columnsOf(files, options, 2, 'compare');
  ensureWritableDir(options.out);
  const configs: ComparedConfig[] = [];
  for (const column of columns) {
    const reports: Report[] = [];
    for (const scenario of column.scenarios) {
      const seed = options.seed ?? scenario.seed;
      const progress = createProgress(`${scenario.name} / ${column.label}`);
      try {
        const drilled = await column.drill(scenario, {
          seed,
          onProgress: (d) => progress.update(d),
        });
        reports.push(drilled.report);
      } catch (error) {
        if (error instanceof InputError) throw error;
        throw new HarnessError(
          `the drill ${scenario.name} under ${column.file} failed (seed ${seed})`,
          {
            cause: error,
          },
        );
      } finally {
        progress.stop();
      }
    }
    configs.push({ label: column.label, file: column.file, reports });
  }
  const out: Record<string, string> = {};
  if (options.format.includes('json'))
    out['compare.json'] = reportJson({
      configs: configs.map((c) => ({ label: c.label, file: c.file, reports: c.reports })),
    });
  if (options.format.includes('md')) out['compare.md'] = renderComparisonMarkdown(configs);
  if (options.format.includes('html')) out['compare.html'] = renderComparisonHtml(configs);
  const written = writeReportFiles(options.out, out);
  process.stdout.write(`${renderComparison(configs)}\n`);
  for (const c of configs)
    process.stdout.write(
      `${c.label}: ${c.reports.every((r) => r.pass) ? 'every SLO held' : 'SLO breached'}\n`,
    );
  if (written.length > 0) process.stdout.write(`written: ${written.map(displayPath).join(', ')}\n`);
  process.exitCode = configs.every((c) => c.reports.every((r) => r.pass)) ? EXIT.ok : EXIT.breached;
}
