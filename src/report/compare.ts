/**
 * @module report/compare
 * The same scenarios and seeds under several failover configs, side by side: availability,
 * latency, failed requests, cost and SLO verdicts, with the winner of each row. For validating
 * a config change before it rolls out.
 */
import { dur, int, pct, usd } from './format.js';
import type { Report } from './report-schema.js';
import {
  escapeHtml,
  htmlTable,
  markdownTable,
  textTable,
  type Align,
  type Table,
} from './tables.js';

/** One config's drills, in scenario order. */
export interface ComparedConfig {
  readonly label: string;
  readonly file: string;
  readonly reports: readonly Report[];
}

/** A compared figure: how to read it off a report, show it, and which way is better. */
interface Figure {
  readonly name: string;
  readonly value: (r: Report) => number;
  readonly show: (n: number, r: Report) => string;
  readonly better: 'higher' | 'lower';
}

const FIGURES: readonly Figure[] = [
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

/** One row: a scenario's figure under each config, and who did best. */
export interface ComparisonRow {
  readonly scenario: string;
  readonly figure: string;
  readonly cells: readonly string[];
  /** The best config's label, `tie` when all are equal. */
  readonly winner: string;
}

/** The rows of a comparison. Reports must hold the same scenarios in the same order. */
export function comparisonRows(configs: readonly ComparedConfig[]): ComparisonRow[] {
  const first = configs[0];
  if (first === undefined) return [];
  const rows: ComparisonRow[] = [];
  first.reports.forEach((report, i) => {
    for (const figure of FIGURES) {
      const values = configs.map((c) => figure.value(c.reports[i] as Report));
      const best = figure.better === 'higher' ? Math.max(...values) : Math.min(...values);
      const winners = configs.filter((_, k) => values[k] === best);
      rows.push({
        scenario: report.scenario,
        figure: figure.name,
        cells: configs.map((c, k) => figure.show(values[k] as number, c.reports[i] as Report)),
        winner: winners.length === configs.length ? 'tie' : winners.map((w) => w.label).join(', '),
      });
    }
  });
  return rows;
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

function verdict(c: ComparedConfig): boolean {
  return c.reports.every((r) => r.pass);
}

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
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1f2328}table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:4px 10px;text-align:right}th.l,td.l{text-align:left}td.win{background:#dafbe1;font-weight:600}</style>
</head><body><h1>failover-drill compare</h1><ul>${verdicts}</ul>
${htmlTable(comparisonTable(configs), won)}
</body></html>
`;
}
