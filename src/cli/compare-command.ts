/**
 * @module cli/compare-command
 * `failover-drill compare <scenario...> --config A --config B`: the same scenarios and seeds
 * under each config, one side-by-side table. Exits 0 when every SLO held under every config,
 * 1 when one broke.
 */
import { Command, Option } from 'commander';
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
import {
  maxDurationOption,
  maxRequestsOption,
  drillLimits,
  formatsParser,
  parseSeed,
  type DrillLimitFlags,
} from './options.js';
import { createProgress } from './progress.js';
import { ensureWritableDir, displayPath } from './report-files.js';
import { EXIT } from './exit-codes.js';

const COMPARE_FORMATS = ['json', 'md', 'html'] as const;
type CompareFormat = (typeof COMPARE_FORMATS)[number];

const parseCompareFormats = formatsParser(COMPARE_FORMATS, 'compare');

interface CompareOptions extends DrillLimitFlags {
  readonly config: string[];
  readonly seed?: number;
  readonly out: string;
  readonly format: CompareFormat[];
}

/** The `compare` command. */
export function compareCommand(): Command {
  return new Command('compare')
    .description(
      'Run the same scenarios and seeds under two or more failover configs and compare them side by side.',
    )
    .argument('<scenario...>', 'scenario files (YAML or JSON)')
    .requiredOption(
      '--config <file>',
      'a failover config; give two or more, the current one first',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--seed <n>', "seed for every drill (default: each scenario's own)", parseSeed)
    .option('--out <dir>', 'where compare.json, compare.md and compare.html go', 'reports/compare')
    .addOption(
      new Option('--format <list>', 'comparison files: json, md, html')
        .default(['json', 'md'], 'json,md')
        .argParser(parseCompareFormats),
    )
    .addOption(maxRequestsOption())
    .addOption(maxDurationOption())
    .addHelpText(
      'after',
      `
Exit codes: 0 every SLO held under every config, 1 an SLO was breached, 2 bad input, 3 the
harness failed.

Example:
  $ failover-drill compare scenarios/black-friday.yaml scenarios/rate-limit-storm.yaml \\
      --config configs/current.yaml --config configs/candidate.yaml`,
    )
    .action(async (files: string[], options: CompareOptions) => {
      if (options.config.length < 2)
        throw InputError.of(
          '--config',
          'compare needs at least two configs: --config A --config B',
        );
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
      if (written.length > 0)
        process.stdout.write(`written: ${written.map(displayPath).join(', ')}\n`);
      process.exitCode = configs.every((c) => c.reports.every((r) => r.pass))
        ? EXIT.ok
        : EXIT.breached;
    });
}
