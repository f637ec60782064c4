/**
 * @module report/compare
 * The same scenarios and seeds under several failover configs, side by side: availability,
 * latency, failed requests, cost and SLO verdicts, with the winner of each row. For validating
 * a config change before it rolls out.
 */
import { dur, int, pct, usd } from './format.js';
import type { Report } from './report-schema.js';
import { SWEEP_FIGURES, type Sweep } from './sweep-schema.js';
import { histogram, histogramRange, SWEEP_FIGURE_LABELS } from './sweep.js';
import {
  escapeHtml,
  htmlTable,
  markdownTable,
  textTable,
  type Align,
  type Table,
} from './tables.js';

/** One config's drills, in scenario order: a report each, or with `--seeds` a sweep each. */
export type ComparedConfig =
  | { readonly label: string; readonly file: string; readonly reports: readonly Report[] }
  | { readonly label: string; readonly file: string; readonly sweeps: readonly Sweep[] };

/** A compared figure: how to read it off a report or sweep, show it, and which way is better. */
interface Figure<T> {
  readonly name: string;
  readonly value: (r: T) => number;
  readonly show: (n: number, r: T) => string;
  readonly better: 'higher' | 'lower';
}

const REPORT_FIGURES: readonly Figure<Report>[] = [
  { name: 'availability', value: (r) => r.availability, show: pct, better: 'higher' },
  { name: 'failed requests', value: (r) => r.requests.failed, show: int, better: 'lower' },
  { name: 'latency p95', value: (r) => r.latencyMs.p95, show: dur, better: 'lower' },
  { name: 'latency p99', value: (r) => r.latencyMs.p99, show: dur, better: 'lower' },
  { name: 'cost', value: (r) => r.costUsd.total, show: usd, better: 'lower' },
  {
    name: 'SLOs held',
    value: (r) => r.slos.filter((s) => s.pass).length,
    show: (n, r) => `${n}/${r.slos.length}${r.pass ? '' : ' (breach)'}`,
    better: 'higher',
  },
];

/** A sweep's figure: its mean over the seeds, shown with its worst seed's value. */
function sweepFigure(
  name: string,
  figure: (typeof SWEEP_FIGURES)[number],
  show: (n: number) => string,
  better: 'higher' | 'lower',
): Figure<Sweep> {
  return {
    name: `${name} (mean, worst)`,
    value: (s) => s.figures[figure].mean,
    show: (n, s) =>
      `${show(n)} (${show(better === 'higher' ? s.figures[figure].min : s.figures[figure].max)})`,
    better,
  };
}

const mean1 = (n: number): string => (Number.isInteger(n) ? int(n) : n.toFixed(1));

const SWEEP_COMPARE_FIGURES: readonly Figure<Sweep>[] = [
  sweepFigure('availability', 'availability', pct, 'higher'),
  sweepFigure('failed requests', 'failed', mean1, 'lower'),
  sweepFigure('latency p95', 'latency.p95', dur, 'lower'),
  sweepFigure('latency p99', 'latency.p99', dur, 'lower'),
  sweepFigure('cost', 'cost', usd, 'lower'),
  {
    name: 'SLOs held (worst breach rate)',
    value: (s) => s.slos.filter((slo) => slo.pass).length,
    show: (n, s) =>
      `${n}/${s.slos.length} (${(Math.max(0, ...s.slos.map((slo) => slo.breachRate)) * 100).toFixed(1)}% of seeds)`,
    better: 'higher',
  },
];

/** One row: a scenario's figure under each config, and who did best. */
export interface ComparisonRow {
  readonly scenario: string;
  readonly figure: string;
  readonly cells: readonly string[];
  /** The best config's label, `tie` when all are equal. */
  readonly winner: string;
}

function rowsOf<T extends { readonly scenario: string }>(
  configs: readonly { readonly label: string; readonly items: readonly T[] }[],
  figures: readonly Figure<T>[],
): ComparisonRow[] {
  const first = configs[0];
  if (first === undefined) return [];
  return first.items.flatMap((item, i) =>
    figures.map((figure) => {
      const values = configs.map((c) => figure.value(c.items[i] as T));
      const best = figure.better === 'higher' ? Math.max(...values) : Math.min(...values);
      const winners = configs.filter((_, k) => values[k] === best);
      return {
        scenario: item.scenario,
        figure: figure.name,
        cells: configs.map((c, k) => figure.show(values[k] as number, c.items[i] as T)),
        winner: winners.length === configs.length ? 'tie' : winners.map((w) => w.label).join(', '),
      };
    }),
  );
}

/** The rows of a comparison. Every config must hold the same scenarios in the same order. */
export function comparisonRows(configs: readonly ComparedConfig[]): ComparisonRow[] {
  const sweeps = configs.flatMap((c) =>
    'sweeps' in c ? [{ label: c.label, items: c.sweeps }] : [],
  );
  if (sweeps.length > 0) return rowsOf(sweeps, SWEEP_COMPARE_FIGURES);
  return rowsOf(
    configs.flatMap((c) => ('reports' in c ? [{ label: c.label, items: c.reports }] : [])),
    REPORT_FIGURES,
  );
}

/** Whether every SLO held under this config (in a sweep: each in its share of seeds). */
export function comparedPass(c: ComparedConfig): boolean {
  return 'sweeps' in c ? c.sweeps.every((s) => s.pass) : c.reports.every((r) => r.pass);
}

/** Labels from config file names, made unique. */
export function configLabels(files: readonly string[]): string[] {
  const base = files.map((f) => (f.split('/').pop() ?? f).replace(/\.(ya?ml|json)$/i, ''));
  return base.map((b, i) =>
    base.indexOf(b) === i && base.lastIndexOf(b) === i ? b : `${b} (${i + 1})`,
  );
}

/** The comparison as one table, a row per scenario and figure. */
function comparisonTable(configs: readonly ComparedConfig[]): Table {
  return {
    head: ['scenario', 'figure', ...configs.map((c) => c.label), 'winner'],
    rows: comparisonRows(configs).map((r) => [r.scenario, r.figure, ...r.cells, r.winner]),
    align: ['l', 'l', ...configs.map((): Align => 'r'), 'l'],
  };
}

/** The comparison as a terminal table, each scenario named once. */
export function renderComparison(configs: readonly ComparedConfig[]): string {
  const table = comparisonTable(configs);
  const rows = table.rows.map((r, n) => {
    const cells = r.map(String);
    return n > 0 && table.rows[n - 1]?.[0] === r[0] ? ['', ...cells.slice(1)] : cells;
  });
  return textTable([table.head, ...rows], table.align);
}

const verdict = comparedPass;

/** The comparison as Markdown. */
export function renderComparisonMarkdown(configs: readonly ComparedConfig[]): string {
  const verdicts = configs
    .map(
      (c) =>
        `- \`${c.label}\` (${c.file}): ${verdict(c) ? '✅ every SLO held' : '❌ SLO breached'}`,
    )
    .join('\n');
  return `## failover-drill compare\n\n${verdicts}\n\n${markdownTable(comparisonTable(configs))}\n`;
}

/**
 * With `--seeds`: per scenario and figure, each column's histogram over the seeds, all on one
 * scale so the columns can be read against each other, the SLO's threshold dashed.
 */
function sweepHistograms(configs: readonly ComparedConfig[]): string {
  const columns = configs.flatMap((c) => ('sweeps' in c ? [c] : []));
  const first = columns[0];
  if (first === undefined) return '';
  return first.sweeps
    .map((sweep, i) => {
      const rows = SWEEP_FIGURES.map((figure) => {
        const sweeps = columns.map((c) => c.sweeps[i] as Sweep);
        const range = histogramRange(sweeps, figure);
        return `<div>${sweeps.map((s, k) => histogram(s, figure, range, `${SWEEP_FIGURE_LABELS[figure]}: ${columns[k]?.label ?? ''}`)).join('')}</div>`;
      });
      return `<h2>${escapeHtml(sweep.scenario)}: ${sweep.seeds} seeds</h2>\n<p>Each figure over the seeds, one chart per column on one scale; dashed: the SLO's threshold.</p>\n${rows.join('\n')}`;
    })
    .join('\n');
}

/** The comparison as one self-contained HTML page (a table; no script, no network). */
export function renderComparisonHtml(configs: readonly ComparedConfig[]): string {
  const rows = comparisonRows(configs);
  // A config's cell is marked where it won the row.
  const won = (row: number, column: number): string | undefined => {
    const label = configs[column - 2]?.label;
    return label !== undefined && rows[row]?.winner.split(', ').includes(label) ? 'win' : undefined;
  };
  const verdicts = configs
    .map(
      (c) =>
        `<li><code>${escapeHtml(c.label)}</code> (${escapeHtml(c.file)}): ${verdict(c) ? 'every SLO held' : '<strong>SLO breached</strong>'}</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>failover-drill compare</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1f2328}table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:4px 10px;text-align:right}th.l,td.l{text-align:left}td.win{background:#dafbe1;font-weight:600}figure{display:inline-block;margin:8px 16px 8px 0}figcaption{font-size:12px;color:#59636e}</style>
</head><body><h1>failover-drill compare</h1><ul>${verdicts}</ul>
${htmlTable(comparisonTable(configs), won)}
${sweepHistograms(configs)}
</body></html>
`;
}
