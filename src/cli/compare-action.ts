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
import { runDrill } from '../simulator/run-drill.js';
import { drillLimits } from './options.js';
import { createProgress } from './progress.js';
import { ensureWritableDir, displayPath } from './report-files.js';
import { EXIT } from './exit-codes.js';

/** Runs `compare`: each scenario and seed under each config, side by side. */
export async function compareConfigs(files: string[], options: CompareOptions): Promise<void> {
  if (options.config.length < 2)
    throw InputError.of('--config', 'compare needs at least two configs: --config A --config B');
  // Every scenario under every config is loaded (and so checked) before anything runs.
  const loaded: Scenario[][] = options.config.map((configFile) =>
    files.map((file) => loadScenario(file, { configFile, limits: drillLimits(options) })),
  );
  ensureWritableDir(options.out);
  const labels = configLabels(options.config);
  const configs: ComparedConfig[] = [];
  for (const [k, scenarios] of loaded.entries()) {
    const reports: Report[] = [];
    for (const scenario of scenarios) {
      const seed = options.seed ?? scenario.seed;
      const progress = createProgress(`${scenario.name} / ${labels[k] ?? ''}`);
      try {
        reports.push(await runDrill(scenario, { seed, onProgress: (d) => progress.update(d) }));
      } catch (error) {
        if (error instanceof InputError) throw error;
        throw new HarnessError(
          `the drill ${scenario.name} under ${options.config[k] ?? ''} failed (seed ${seed})`,
          { cause: error },
        );
      } finally {
        progress.stop();
      }
    }
    configs.push({ label: labels[k] ?? '', file: options.config[k] ?? '', reports });
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
