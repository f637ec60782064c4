/**
 * @module report/scorecard
 * A conduct scorecard: every scenario drilled under every failover implementation, one cell each.
 * A cell passes when every SLO it could judge held; it names the SLOs that failed with their
 * actual values, counts the SLOs a black box hides (unjudged, never passed), and says when the
 * implementation cannot be drilled on that scenario at all. Markdown, HTML and JSON.
 */
import { formatSloValue } from './format.js';
import type { Report } from './report-schema.js';
import { escapeHtml, markdownTable, type Table } from './tables.js';

/** One scenario under one implementation. */
export type ScorecardCell =
  | {
      readonly verdict: 'pass' | 'fail';
      /** The SLOs that failed, with what the drill measured. */
      readonly failed: readonly { readonly slo: string; readonly actual: string }[];
      /** SLOs out of sight of the providers (breakers, stream continuation): not judged. */
      readonly unjudged: readonly string[];
      readonly judged: number;
      readonly availability: number;
      /** The command that drills this cell again. */
      readonly replay: string;
    }
  | {
      /** The implementation cannot be drilled on this scenario (its module refused it). */
      readonly verdict: 'n/a';
      readonly reason: string;
    };

/** The whole scorecard: scenarios (rows) × implementations (columns). */
export interface Scorecard {
  readonly scenarios: readonly { readonly name: string; readonly file: string }[];
  readonly columns: readonly { readonly label: string; readonly file: string }[];
  /** `cells[row][column]`. */
  readonly cells: readonly (readonly ScorecardCell[])[];
}

/** A drilled report as a cell. */
export function scoreCell(report: Report): ScorecardCell {
  const failed = report.slos
    .filter((s) => !s.pass)
    .map((s) => ({ slo: s.name, actual: formatSloValue(s.metric, s.actual) }));
  return {
    verdict: failed.length === 0 ? 'pass' : 'fail',
    failed,
    unjudged: report.subject?.unjudged ?? report.live?.unjudged ?? [],
    judged: report.slos.length,
    availability: report.availability,
    replay: report.replay,
  };
}

/** Each column's totals: passed, failed, not drillable, and SLOs left unjudged. */
export function scorecardTotals(card: Scorecard): {
  readonly pass: number;
  readonly fail: number;
  readonly na: number;
  readonly unjudged: number;
}[] {
  return card.columns.map((_, c) => {
    const column = card.cells.map((row) => row[c]);
    const count = (v: ScorecardCell['verdict']): number =>
      column.filter((cell) => cell?.verdict === v).length;
    return {
      pass: count('pass'),
      fail: count('fail'),
      na: count('n/a'),
      unjudged: column.reduce(
        (n, cell) => n + (cell !== undefined && cell.verdict !== 'n/a' ? cell.unjudged.length : 0),
        0,
      ),
    };
  });
}

/** Whether every drillable cell passed. */
export function scorecardPassed(card: Scorecard): boolean {
  return card.cells.every((row) => row.every((cell) => cell.verdict !== 'fail'));
}

function cellText(cell: ScorecardCell | undefined): string {
  if (cell === undefined) return '';
  if (cell.verdict === 'n/a') return 'n/a';
  const unjudged = cell.unjudged.length === 0 ? '' : ` (${cell.unjudged.length} unjudged)`;
  if (cell.verdict === 'pass') return `PASS${unjudged}`;
  const first = cell.failed[0];
  const more = cell.failed.length > 1 ? ` +${cell.failed.length - 1}` : '';
  return `FAIL ${first?.slo ?? ''} (${first?.actual ?? ''})${more}${unjudged}`;
}

function totalText(t: ReturnType<typeof scorecardTotals>[number]): string {
  return `${t.pass}/${t.pass + t.fail} pass${t.na === 0 ? '' : `, ${t.na} n/a`}`;
}

function table(card: Scorecard): Table {
  const totals = scorecardTotals(card);
  return {
    head: ['scenario', ...card.columns.map((c) => c.label)],
    rows: [
      ...card.scenarios.map((s, r) => [
        s.name,
        ...card.columns.map((_, c) => cellText(card.cells[r]?.[c])),
      ]),
      ['total', ...totals.map(totalText)],
    ],
    align: ['l', ...card.columns.map(() => 'l' as const)],
  };
}

/** The terminal's view: one short word a cell, then the totals. */
export function renderScorecardSummary(card: Scorecard): string {
  const short = (cell: ScorecardCell | undefined): string =>
    cell === undefined ? '' : cell.verdict === 'n/a' ? 'n/a' : cell.verdict.toUpperCase();
  const rows = [
    ['scenario', ...card.columns.map((c) => c.label)],
    ...card.scenarios.map((s, r) => [
      s.name,
      ...card.columns.map((_, c) => short(card.cells[r]?.[c])),
    ]),
    ['total', ...scorecardTotals(card).map(totalText)],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

/** What n/a cells mean, and why each was not drilled. */
function notes(card: Scorecard): string[] {
  const lines: string[] = [];
  card.cells.forEach((row, r) =>
    row.forEach((cell, c) => {
      if (cell.verdict === 'n/a')
        lines.push(
          `${card.scenarios[r]?.name ?? ''} / ${card.columns[c]?.label ?? ''}: not drillable, ${cell.reason}`,
        );
    }),
  );
  return lines;
}

const LEGEND =
  'PASS: every SLO the drill could judge held. FAIL: the first SLO that failed, with the value measured (+N more). Unjudged: SLOs on breakers or stream continuation, inside the implementation where the providers cannot see; they are not counted as passed.';

/** The scorecard as Markdown. */
export function renderScorecardMarkdown(card: Scorecard): string {
  const na = notes(card);
  return `## failover-drill scorecard\n\n${LEGEND}\n\n${markdownTable(table(card))}\n${
    na.length === 0 ? '' : `\n${na.map((n) => `- ${n}`).join('\n')}\n`
  }`;
}

/** The scorecard as one self-contained HTML page: a table, colored by verdict, no script. */
export function renderScorecardHtml(card: Scorecard): string {
  const totals = scorecardTotals(card);
  const td = (cell: ScorecardCell | undefined): string => {
    if (cell === undefined) return '<td></td>';
    if (cell.verdict === 'n/a') return `<td class="na" title="${escapeHtml(cell.reason)}">n/a</td>`;
    const title = [
      ...cell.failed.map((f) => `${f.slo}: ${f.actual}`),
      ...cell.unjudged.map((u) => `${u}: not judged`),
    ].join('\n');
    return `<td class="${cell.verdict}" title="${escapeHtml(title)}">${escapeHtml(cellText(cell))}</td>`;
  };
  const rows = card.scenarios
    .map(
      (s, r) =>
        `<tr><th scope="row" title="${escapeHtml(s.file)}">${escapeHtml(s.name)}</th>${card.columns
          .map((_, c) => td(card.cells[r]?.[c]))
          .join('')}</tr>`,
    )
    .join('\n');
  const na = notes(card);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>failover-drill scorecard</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1f2328}table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:4px 10px;text-align:left;vertical-align:top}td.pass{background:#dafbe1}td.fail{background:#ffebe9}td.na{color:#59636e}tfoot th{font-weight:600}</style>
</head><body><h1>failover-drill scorecard</h1><p>${escapeHtml(LEGEND)}</p>
<table><thead><tr><th>scenario</th>${card.columns
    .map((c) => `<th title="${escapeHtml(c.file)}">${escapeHtml(c.label)}</th>`)
    .join('')}</tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th>total</th>${totals.map((t) => `<th>${escapeHtml(totalText(t))}</th>`).join('')}</tr></tfoot></table>
${na.length === 0 ? '' : `<ul>${na.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>\n`}</body></html>
`;
}

/** The scorecard as JSON: every cell, and each column's totals. */
export function scorecardJson(card: Scorecard): unknown {
  return {
    scorecardVersion: 1,
    scenarios: card.scenarios,
    columns: card.columns.map((c, i) => ({ ...c, totals: scorecardTotals(card)[i] })),
    cells: card.cells,
    pass: scorecardPassed(card),
  };
}
