/**
 * @module report/tables
 * Tables in the three shapes the reports print them: aligned text for the terminal, GitHub
 * Markdown, and HTML. A cell is text, code, or an SLO verdict, rendered as each format shows it.
 */

/** One table cell. */
export type Cell = string | { readonly code: string } | { readonly verdict: boolean };

/** Column alignment: left or right. */
export type Align = 'l' | 'r';

/** A table: header, rows, and per-column alignment (first column left, the rest right by default). */
export interface Table {
  readonly head: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  readonly align?: readonly Align[];
}

/** Text that is safe between HTML tags or in an attribute. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** Plain-text columns for the terminal: the first column left-aligned, the rest right by default. */
export function textTable(
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) =>
          (align[i] ?? (i === 0 ? 'l' : 'r')) === 'l'
            ? cell.padEnd(widths[i] ?? 0)
            : cell.padStart(widths[i] ?? 0),
        )
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

const alignOf = (table: Table, i: number): Align => table.align?.[i] ?? (i === 0 ? 'l' : 'r');

function markdownCell(cell: Cell): string {
  const text =
    typeof cell === 'string'
      ? cell
      : 'code' in cell
        ? `\`${cell.code}\``
        : cell.verdict
          ? '✅ pass'
          : '❌ **breach**';
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A GitHub Markdown table. */
export function markdownTable(table: Table): string {
  const rule = table.head.map((_, i) => (alignOf(table, i) === 'l' ? ':--' : '--:')).join(' | ');
  return [
    `| ${table.head.map(markdownCell).join(' | ')} |`,
    `| ${rule} |`,
    ...table.rows.map((r) => `| ${r.map(markdownCell).join(' | ')} |`),
  ].join('\n');
}

function htmlCell(cell: Cell): string {
  if (typeof cell === 'string') return escapeHtml(cell);
  if ('code' in cell) return `<code>${escapeHtml(cell.code)}</code>`;
  return cell.verdict
    ? '<span class="verdict pass">pass</span>'
    : '<span class="verdict fail">breach</span>';
}

/** An HTML table; `mark` may add a class to a body cell. */
export function htmlTable(
  table: Table,
  mark?: (row: number, column: number) => string | undefined,
): string {
  const cls = (i: number): string => (alignOf(table, i) === 'l' ? ' class="l"' : '');
  const head = table.head.map((h, i) => `<th${cls(i)}>${htmlCell(h)}</th>`).join('');
  const body = table.rows
    .map(
      (r, n) =>
        `<tr>${r
          .map((c, i) => {
            const extra = mark?.(n, i);
            const classes = [alignOf(table, i) === 'l' ? 'l' : '', extra ?? ''].filter((x) => x);
            return `<td${classes.length > 0 ? ` class="${classes.join(' ')}"` : ''}>${htmlCell(c)}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
