/**
 * @module cli/compare-action
 * What `compare` does: drills every scenario under each config, writes the side-by-side table
 * and its files, and sets the exit code. Loaded only when `compare` runs.
 */
import type { CompareOptions } from './compare-command.js';
import { HarnessError, InputError } from '../errors.js';
import {
  configLabels,
  renderComparison,
  renderComparisonHtml,
  renderComparisonMarkdown,
  type ComparedConfig,
} from '../report/compare.js';
import type { Report } from '../report/report-schema.js';
import { reportJson, writeReportFiles } from '../report/write-report.js';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import { drillLimits } from './options.js';
import { drillerFor, nativeDriller, type Driller } from './driller.js';
import { createProgress } from './progress.js';
import { ensureWritableDir, displayPath } from './report-files.js';
import { EXIT } from './exit-codes.js';

/** One column of the comparison: what is drilled, and how. */
interface Column {
  readonly label: string;
  readonly file: string;
  readonly scenarios: readonly Scenario[];
  readonly drill: Driller;
}

/** The columns: each config under our engine, then each subject. Everything is checked first. */
async function columnsOf(files: string[], options: CompareOptions): Promise<Column[]> {
  const total = options.config.length + options.subject.length;
  if (total < 2)
    throw InputError.of(
      '--config',
      'compare needs at least two columns: --config A --config B, --subject X --subject Y, or a mix',
    );
  if (options.subjectConfig !== undefined && options.subject.length !== 1)
    throw InputError.of(
      '--subject-config',
      `configures the one --subject; ${options.subject.length} were given`,
    );
  const limits = drillLimits(options);
  const configLabelsOf = configLabels(options.config);
  const columns: Column[] = options.config.map((configFile, k) => ({
    label: configLabelsOf[k] ?? configFile,
    file: configFile,
    scenarios: files.map((file) => loadScenario(file, { configFile, limits })),
    drill: nativeDriller,
  }));
  const own = files.map((file) => loadScenario(file, { limits }));
  for (const subject of options.subject) {
    columns.push({
      label: subject,
      file: subject,
      scenarios: own,
      drill: await drillerFor({
        subject,
        ...(options.subjectConfig === undefined ? {} : { subjectConfig: options.subjectConfig }),
      }),
    });
  }
  return columns;
}

/** Runs `compare`: each scenario and seed under each config or subject, side by side. */
export async function compareConfigs(files: string[], options: CompareOptions): Promise<void> {
  const columns = await columnsOf(files, options);
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
